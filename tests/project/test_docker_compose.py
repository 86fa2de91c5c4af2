"""No Docker engine runs here, so the compose file is checked against the settings instead."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = "\n".join(p.read_text() for p in (ROOT / "settings").glob("*.py"))
ENV_READ = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', SETTINGS_SOURCE)) | set(
    re.findall(r'dev_secret\(\s*"([A-Z_]+)"', SETTINGS_SOURCE)
)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


APP_SERVICES = ("web", "worker-realtime", "worker-bulk", "beat")


def test_the_stack_has_its_services():
    assert set(compose()["services"]) == {"postgres", "redis", *APP_SERVICES}


def consumed(command: str) -> set[str]:
    found = re.search(r"--queues (\S+)", command)
    return set(found.group(1).split(",")) if found else set()


def test_compose_and_make_run_start_a_worker_for_each_queue_and_no_other():
    from django.conf import settings

    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed == {settings.QUEUE_BULK, settings.QUEUE_REALTIME}
    procfile = (ROOT / "Procfile").read_text().splitlines()
    for commands in ([c["command"] for c in compose()["services"].values()
                      if "celery" in str(c.get("command", "")) and " worker " in c["command"]],
                     [line for line in procfile if " worker " in line]):
        queues = [consumed(command) for command in commands]
        # One worker per queue, so a Full Reload never holds up a webhook refresh.
        assert sorted(q for each in queues for q in each) == sorted(routed), commands
        assert all(len(each) == 1 for each in queues), commands


def test_app_services_only_set_variables_the_settings_read():
    services = compose()["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        unknown = set(env) - ENV_READ
        assert not unknown, f"{name} sets variables settings never read: {unknown}"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:")


def test_env_example_names_only_real_variables_and_the_required_secrets():
    names = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
             if line and not line.startswith("#")}
    assert names <= ENV_READ, names - ENV_READ
    assert {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DEBUG"} <= names


def test_the_web_service_runs_gunicorn_and_collects_static_files():
    command = compose()["services"]["web"]["command"]
    assert "gunicorn settings.wsgi:application" in command
    assert "collectstatic" in command
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in SETTINGS_SOURCE


def test_the_readme_documents_every_variable():
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in ENV_READ if f"`{name}`" not in readme}
    assert not missing, f"README's configuration table lacks {sorted(missing)}"


def test_the_web_service_is_published_to_this_host_only_behind_a_tls_proxy():
    """The compose stack trusts X-Forwarded-Proto (a proxy on the host terminates TLS and
    sets it), so gunicorn must not be reachable from anywhere but that host."""
    web = compose()["services"]["web"]
    assert str(web["environment"]["BCSYNC_BEHIND_TLS_PROXY"]).lower() == "true"
    assert web["ports"] and all(str(port).startswith("127.0.0.1:") for port in web["ports"])


def test_the_readme_says_what_to_put_in_front():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Production with Docker Compose"):]
    assert "`BCSYNC_BEHIND_TLS_PROXY`" in section
    assert "X-Forwarded-Proto" in section and "127.0.0.1:8000" in section
