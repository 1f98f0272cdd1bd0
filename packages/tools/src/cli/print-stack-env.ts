#!/usr/bin/env node
import { stackEnv, toShell } from '../e2e/stack-env.ts';

console.log(toShell(stackEnv()));
