# The image-updater daemon image: `docker build -t image-updater .` at the repository root.
# Stage 1 builds every package and lays out the daemon with production dependencies only.
FROM node:20-bookworm-slim AS build
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0
RUN corepack enable
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm run build \
 && pnpm --filter @image-updater/example-daemon deploy --prod --legacy /out

# Stage 2: Node, git and ssh for the git write-back, tini to forward SIGTERM; runs as the unprivileged `node` user.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client gnupg ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out /app/daemon
ENV NODE_ENV=production \
    HOME=/tmp \
    IMAGE_UPDATER_CONFIG_DIR=/app/config \
    IMAGE_UPDATER_CACHE_DIR=/app/cache
# uid 1000 is `node` in the base image; the Deployment's runAsNonRoot checks it by number.
USER 1000:1000
EXPOSE 8080 8081 8082
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/daemon/bin/image-updater.js"]
CMD ["run"]
