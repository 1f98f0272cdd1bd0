# syntax=docker/dockerfile:1
# One recipe for both Menagerie images. Build from the repository root:
#   docker build --build-arg APP=server -t menagerie-server:<version> .
#   docker build --build-arg APP=client -t menagerie-client:<version> .
# Node 24 LTS on Alpine, pinned by version and digest (the digest of the
# multi-platform image, so amd64 and arm64 hosts build the same base).
ARG NODE_IMAGE=node:24.21.0-alpine3.23@sha256:9ec4a2e289874ed0d722e1772ec2de45d2801541db8612f3638b26f128c69ac2

FROM ${NODE_IMAGE} AS build
# The pnpm the repository pins in package.json's packageManager.
ARG PNPM_VERSION=11.28.11
RUN npm install --global --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /repo
ENV CI=true
# Every dependency is fetched from the lockfile alone, so this layer is reused
# until the lockfile changes, whatever the sources do.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
ARG APP
RUN test "$APP" = server || test "$APP" = client || { echo "--build-arg APP=server|client" >&2; exit 1; }
RUN pnpm install --offline --frozen-lockfile --filter "@menagerie/${APP}..." \
 && pnpm --filter "@menagerie/${APP}..." run build \
 && pnpm --filter "@menagerie/${APP}" deploy --prod /out

FROM ${NODE_IMAGE} AS runtime
# npm, npx, corepack and yarn are not needed to run the app.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg
ARG APP
ARG MENAGERIE_REVISION=unknown
ENV NODE_ENV=production \
    MENAGERIE_REVISION=${MENAGERIE_REVISION}
LABEL org.opencontainers.image.title="menagerie-${APP}" \
      org.opencontainers.image.revision="${MENAGERIE_REVISION}"
WORKDIR /app
COPY --from=build --chown=0:0 /out /app
# The image's `node` user, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
CMD ["node", "dist/main.js"]
