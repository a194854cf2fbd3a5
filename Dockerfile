FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 OUDERBRUG_DATA_DIR=/data
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
COPY flows ./flows
RUN pip install --no-cache-dir . && useradd --system --home /data ouderbrug && mkdir -p /data && chown ouderbrug /data
USER ouderbrug
VOLUME ["/data"]
CMD ["ouderbrug", "run"]
