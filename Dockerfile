# A Comparo worker in a container: takes runs from the app's queue and trains them here
# (docs/workers.md). Build and run:
#   docker build -t comparo-worker .
#   docker run --rm comparo-worker --queue redis://redis.example:6379/0 --concurrency 2
# The worker only connects out to Redis; the container exposes no port. For NVIDIA GPUs, build
# FROM a CUDA 11.8 + cuDNN 8 image with Node 22 installed (docs/workers.md, "GPU workers"):
# @tensorflow/tfjs-node-gpu then loads and every run reports the backend tensorflow-gpu.
ARG BASE=node:22-bookworm-slim
FROM ${BASE}

# better-sqlite3 and the OpenBLAS accelerator build from source where no prebuilt binary fits.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /comparo
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY native ./native
# No Electron binary: a worker never opens a window.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
RUN npm ci --no-audit --no-fund
COPY . .

# A worker needs no privileges: run as the image's unprivileged user.
USER node
ENTRYPOINT ["npm", "run", "--silent", "worker", "--"]
