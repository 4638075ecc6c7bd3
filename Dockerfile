# clientes in a container: the relay daemon, with its config, replies and store in the
# /data volume (README.md, "In a container").
#   docker build -t clientes .
#   docker run --rm -it -v clientes-data:/data clientes init     # once: asks, writes /data/config.yaml
#   docker run -d --name clientes --restart unless-stopped --stop-timeout 30 -v clientes-data:/data clientes
FROM node:20-slim

ENV NODE_ENV=production \
    CLIENTES_CONFIG=/data/config.yaml \
    NO_UPDATE_NOTIFIER=1

WORKDIR /opt/clientes
# The dependencies first: this layer is rebuilt only when the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin/ bin/
COPY src/ src/
COPY tsconfig.json config.example.yaml README.md LICENSE CHANGELOG.md ./

# Its own unprivileged user, owning only the data folder; the program stays root's.
RUN ln -s /opt/clientes/bin/clientes /usr/local/bin/clientes \
 && groupadd --system --gid 10001 clientes \
 && useradd --system --uid 10001 --gid clientes --home-dir /data --shell /usr/sbin/nologin clientes \
 && mkdir -p /data \
 && chown clientes:clientes /data \
 && chmod 0700 /data
USER clientes
WORKDIR /data
VOLUME ["/data"]

# The daemon saves its store and exits 0 within 10 s of SIGTERM: give it --stop-timeout 30.
STOPSIGNAL SIGTERM
# The setup checklist against Telegram; prints only what fails, which `docker inspect` shows.
HEALTHCHECK --interval=2m --timeout=30s --start-period=30s --retries=3 CMD ["clientes", "check", "--quiet"]
ENTRYPOINT ["clientes"]
CMD ["start"]
