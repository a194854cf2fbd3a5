FROM python:3.11-slim
WORKDIR /app
# The QR flyer's fonts ship in bot/assets/; FriBiDi lets Pillow's libraqm shape Arabic script;
# espeak-ng reads aloud where no Piper voice is installed (bot/speech/).
RUN apt-get update && apt-get install -y --no-install-recommends libfribidi0 espeak-ng && rm -rf /var/lib/apt/lists/*
ENV PYTHONUNBUFFERED=1 OUDERBRUG_DATA_DIR=/data
# Exact versions with their hashes (requirements.lock, updated with scripts/lock), then the bot.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
COPY flows ./flows
RUN pip install --no-cache-dir --no-deps . && useradd --system --home /data ouderbrug && mkdir -p /data /secrets && chown ouderbrug /data /secrets && chmod 700 /data /secrets
USER ouderbrug
VOLUME ["/data", "/secrets"]
CMD ["ouderbrug", "run"]
