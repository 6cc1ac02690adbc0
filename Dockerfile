# syntax=docker/dockerfile:1
# Newsroom production image: gunicorn serving Django, whitenoise serving static files.

FROM python:3.12.12-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY requirements.lock ./
COPY docker/build-venv.sh docker/
RUN sh docker/build-venv.sh /opt/venv

FROM python:3.12.12-slim-bookworm AS runtime
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=0 \
    MEDIA_ROOT=/data/media
RUN groupadd --system --gid 10001 newsroom \
    && useradd --system --uid 10001 --gid newsroom --home-dir /app --shell /usr/sbin/nologin newsroom \
    && mkdir -p /data/media \
    && chown newsroom:newsroom /data/media
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# The code and the collected static files belong to root: the app user reads them and
# cannot rewrite them. It writes only to /data/media.
COPY . .
RUN sh docker/collectstatic.sh
USER 10001:10001
EXPOSE 8000
VOLUME ["/data/media"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
