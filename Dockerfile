# syntax=docker/dockerfile:1
# One image per deployable, from one Dockerfile: the SERVICE build argument picks what the
# container runs (a service, or `load` for the load generator); every image carries every bundle.
#
#   docker build --build-arg SERVICE=registry -t govrnanza/registry:dev .   (npm run images builds all)
#   docker run govrnanza/registry:dev                 → node … ./dist/registry.js
#   docker run govrnanza/registry:dev ./dist/load.js  → another bundle, same preload
#
# DIST_SOURCE=build (default) bundles inside the build; DIST_SOURCE=prebuilt copies the dist/
# that tools/build.ts wrote on the host (Tilt does this, then live-updates dist/).

ARG NODE_IMAGE=node:20-bookworm-slim
ARG DIST_SOURCE=build

# Only the workspace manifests: npm ci needs one package.json per workspace, and a change to
# sources alone must leave the dependency layers below cached (COPY --from compares content).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY packages packages
RUN find packages -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# Every dependency, for the bundler.
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY --from=manifests /src/packages packages
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund

# tools/build.ts: one CommonJS bundle per entry, root dependencies left as require()s.
FROM deps AS build
COPY tsconfig.json ./
COPY packages packages
COPY services services
COPY tools tools
RUN node --require tsx/cjs tools/build.ts

# What the host built (Tilt's path): dist/ from the build context.
FROM scratch AS prebuilt
COPY dist /src/dist

FROM ${DIST_SOURCE} AS dist

# Production dependencies only. Workspace packages are bundled, so their links go too.
FROM deps AS prod-deps
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@govrnanza

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /src/node_modules ./node_modules
# Owned by the runtime user so a development live update can replace the bundles.
COPY --from=dist --chown=1000:1000 /src/dist ./dist
ARG SERVICE=gateway
RUN test -f "dist/${SERVICE}.js" || { echo "no bundle dist/${SERVICE}.js" >&2; exit 1; } \
 && ln -s "${SERVICE}.js" dist/main.js
# Numeric, so Kubernetes can verify runAsNonRoot (node's uid in the official image).
USER 1000:1000
ENTRYPOINT ["node", "--enable-source-maps", "--require", "./dist/preload.js"]
CMD ["./dist/main.js"]
