"""The deployment files agree with the code: docker-compose.yml, .env.example and bot/core/settings.py.

Docker cannot run here, so these read the files the way docker compose and the bot would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from bot.core.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
KNOWN = {field.alias or name for name, field in Settings.model_fields.items()}
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}  # read by docker compose itself (the db service)
VARIABLE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$")


def compose() -> dict:  # type: ignore[type-arg]
    """docker-compose.yml as docker compose reads it."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def nginx_conf() -> str:
    """deploy/nginx.conf, the `web` service's server block."""
    return (ROOT / "deploy" / "nginx.conf").read_text()


def example_variables() -> dict[str, str]:
    """Every NAME=value line of .env.example, commented out or not."""
    found = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = VARIABLE.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_env_example_explains_every_setting_and_nothing_else() -> None:
    """An ICT person finds every setting in .env.example, each with a comment above it (or its group)."""
    names = example_variables()
    assert set(names) - COMPOSE_ONLY <= KNOWN, set(names) - COMPOSE_ONLY - KNOWN
    assert KNOWN <= set(names), KNOWN - set(names)
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        match = VARIABLE.match(line.strip())
        if match:
            above = index - 1
            while VARIABLE.match(lines[above].strip()):  # a group shares one explanation
                above -= 1
            assert lines[above].startswith("#"), f"{line}: explain it"


def test_the_uncommented_example_values_are_valid_settings(tmp_path: Path) -> None:
    """Copying .env.example to .env and adding a token gives settings the bot accepts."""
    env = tmp_path / ".env"
    env.write_text(
        (ROOT / ".env.example")
        .read_text()
        .replace("TELEGRAM_BOT_TOKEN=", "TELEGRAM_BOT_TOKEN=123456789:AAexample-token-value")
    )
    settings = load_settings(env_file=str(env))
    assert settings.public_url and settings.public_url.startswith("https://")


def test_compose_runs_the_webhook_with_postgres_16_health_checks_and_volumes() -> None:
    """The bot serves the webhook on a port checked by /healthz; the database is PostgreSQL 16."""
    services = compose()["services"]
    bot, db = services["bot"], services["db"]
    assert bot["build"] == "." and (ROOT / "Dockerfile").exists()
    assert bot["command"] == ["ouderbrug", "run", "--webhook"]
    assert bot["env_file"] == ".env"
    port = bot["environment"]["OUDERBRUG_LISTEN_PORT"]
    assert f"set $bot http://bot:{port};" in nginx_conf()  # reached through nginx (below)
    assert f"127.0.0.1:{port}/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volumes = compose()["volumes"]
    mounted = [v.split(":")[0] for s in (bot, db) for v in s["volumes"]]
    assert set(mounted) <= set(volumes) and "data" in mounted and "pgdata" in mounted
    data_dir = bot["environment"]["OUDERBRUG_DATA_DIR"]
    assert f"data:{data_dir}" in bot["volumes"]


def test_every_variable_compose_passes_to_the_bot_is_a_setting() -> None:
    """No typo in a variable name silently ignored by the bot."""
    bot = compose()["services"]["bot"]
    assert set(bot["environment"]) <= KNOWN, set(bot["environment"]) - KNOWN
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert used <= KNOWN | COMPOSE_ONLY
    assert used <= set(example_variables()), "every ${VARIABLE} of compose is in .env.example"
    url = bot["environment"]["DATABASE_URL"].replace("${POSTGRES_PASSWORD:?", "").split("}")[0]
    assert url.startswith("postgresql+asyncpg://")


def test_migrations_run_at_start_in_webhook_mode() -> None:
    """`ouderbrug run --webhook` goes through run_bot, which migrates before serving."""
    import inspect

    from bot import admin

    source = inspect.getsource(admin.run_bot)
    assert source.index("upgrade(settings.db_url)") < source.index("serve_schools_webhook(")


def test_compose_scales_the_bot_behind_nginx(tmp_path: Path) -> None:
    """`docker compose up -d --scale bot=3`: the replicas have no fixed name or host port; nginx
    publishes 127.0.0.1:8080 and finds every replica by Docker's DNS at each request."""
    services = compose()["services"]
    bot, web = services["bot"], services["web"]
    assert "ports" not in bot and "container_name" not in bot  # several replicas cannot share them
    assert web["image"].startswith("nginx:")
    assert web["ports"] == ["127.0.0.1:8080:80"]  # the host's HTTPS proxy keeps using 8080
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in web["volumes"]
    assert "bot" in web["depends_on"] and "db" in bot["depends_on"]
    conf = nginx_conf()
    assert "resolver 127.0.0.11 valid=10s" in conf  # Docker's DNS, asked again every 10 s
    assert "listen 80;" in conf
    blocks = dict(re.findall(r"location ([^{]+?) \{(.*?)\}", conf, flags=re.S))
    for path in ("/telegram/", "/dashboard/", "= /healthz", "= /metrics"):
        # A variable makes nginx resolve `bot` at request time: every replica, also new ones.
        assert "proxy_pass $bot;" in blocks[path], path
    assert "non_idempotent" in blocks["/telegram/"]  # a stored update is a no-op the second time
    assert "return 404;" in blocks["/"]
    assert "client_max_body_size 1m;" in conf  # the bot's own limit (bot/web/server.py BODY_LIMIT)
    nginx = shutil.which("nginx")
    if nginx is None:  # Debian's nginx-light checks the syntax too, where it is installed
        print(
            "nginx is missing: apt-get install nginx-light to check deploy/nginx.conf (.ci/run does)"
        )
        if os.environ.get("CI") == "true":
            raise AssertionError("CI installs nginx-light (.ci/run): `nginx -t` must run")
        return
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "default.conf").write_text(conf)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body;"
        f" proxy_temp_path {tmp_path}/proxy; include {tmp_path}/conf.d/*.conf; }}\n"
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
