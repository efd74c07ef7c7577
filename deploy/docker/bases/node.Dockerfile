# node:20-bookworm-slim made locally, for machines where no image registry
# answers (`inplay images build` uses it only when `docker pull` fails):
# Debian bookworm (minbase, itself made with debootstrap) plus the Node.js 20
# binary of the machine that builds it, and the official image's `node` user.
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/sh --create-home node \
 && node --version
CMD ["node"]
