# The same install steps as the README: the pinned constraints, then the package.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ASGARD_DATA_DIR=/data

# bubblewrap: training jobs and model code run in its namespaces (see README, "Untrusted code runs apart").
# Docker's default seccomp profile refuses the user namespaces it needs: run the container with
# `--security-opt seccomp=unconfined` (or a profile that allows unshare), or set ASGARD_SANDBOX=off and
# let the container be the only boundary.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY server ./server
RUN python -m pip install --upgrade "pip>=24" \
 && python -m pip install -c constraints.txt . \
 && useradd --create-home --uid 10001 asgard \
 && mkdir -p /data && chown asgard /data

USER asgard
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["asgard", "serve", "--host", "0.0.0.0", "--port", "8000"]
