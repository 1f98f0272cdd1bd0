#!/usr/bin/env node
import { stackEnv, toShell } from './stack-env.ts';

console.log(toShell(stackEnv()));
