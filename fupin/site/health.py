"""/healthz for the proxy, the monitor and systemd: 200 when the database answers and every migration this code
knows is applied, 503 otherwise. No login, no session, no page: a JSON line."""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("fupin.health")


@never_cache
@require_GET
def healthz(request):
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any failure to answer is what this page reports (the details go to the log only)
        logger.warning("healthz: 数据库无法连接：%s", exc)
        return JsonResponse({"status": "error", "database": "unreachable", "error": "数据库无法连接"},
                            status=503, json_dumps_params={"ensure_ascii": False})
    if pending:
        names = [f"{m.app_label}.{m.name}" for m, _ in pending]
        return JsonResponse({"status": "error", "database": "ok", "pending_migrations": names,
                             "error": "数据库有未执行的迁移：请运行 fupin init"}, status=503,
                            json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"status": "ok", "database": "ok", "pending_migrations": []})
