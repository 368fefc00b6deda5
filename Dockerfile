# classic-scan as a container image for scheduled, unattended scans (see deploy/README.md).
#
#   docker build -t classic-scan:0.1.0 .
#   docker run --rm -v "$PWD/reports:/reports" --user "$(id -u):$(id -g)" classic-scan:0.1.0 scan --demo
#
# Reports go to /reports (the working directory; mount a volume there). The image has no Azure CLI:
# inside a container use --auth workload (Microsoft Entra Workload ID on AKS), --auth msi (managed
# identity), --auth env (a service principal's AZURE_* variables) or --auth default (tries them all).
# The root filesystem can be read-only; only /reports and /tmp (openpyxl's scratch files) are written.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: install the project and its dependencies (wheels only; no compiler needed) into a venv ---
# constraints.txt pins every runtime dependency and the build backend (PIP_CONSTRAINT also reaches
# pip's isolated build environment), so two builds of the same commit install the same versions.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ONLY_BINARY=pandas,numpy,psutil \
    PIP_CONSTRAINT=/src/constraints.txt
RUN python -m venv /opt/classic-scan
WORKDIR /src
COPY pyproject.toml README.md LICENSE constraints.txt ./
COPY scanner/ scanner/
COPY rules/ rules/
COPY reports/ reports/
# The runtime dependencies only: no test extra.
RUN /opt/classic-scan/bin/pip install -c constraints.txt . \
    && /opt/classic-scan/bin/classic-scan --version \
    && /opt/classic-scan/bin/classic-scan rules list >/dev/null

# --- runtime: the venv, a non-root user, nothing else ------------------------------------------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="classic-scan" \
      org.opencontainers.image.description="Read-only readiness and compliance scanner for Azure classic (ASM) resources" \
      org.opencontainers.image.licenses="MIT"
RUN groupadd --system --gid 10001 scanner \
    && useradd --system --uid 10001 --gid scanner --home-dir /home/scanner --create-home \
       --shell /usr/sbin/nologin scanner \
    && mkdir /reports \
    && chown scanner:scanner /reports
COPY --from=build /opt/classic-scan /opt/classic-scan
ENV PATH=/opt/classic-scan/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /reports
ENTRYPOINT ["classic-scan"]
CMD ["--help"]
