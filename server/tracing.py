"""OpenTelemetry traces: a span per GraphQL operation (named by it, e.g. `mutation Predict`), one per call
that reaches a backend (Feast's online and offline stores and registry, MLflow, the job table, the Iceberg
catalog, a model's worker), and one per stage of a training job, each with the request id (or job id) as
an attribute.

Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: spans
go out by OTLP over HTTP (protobuf) in batches, with `service.name` from `OTEL_SERVICE_NAME` (default
`asgard`) and the exporter's other standard `OTEL_*` settings. When it is off, nothing is instrumented:
`span` is a shared no-op context, the operation extension is not installed, and the compiled online
path takes no detour (bench/online.py measures that path).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from server.request_log import current_request

log = logging.getLogger(__name__)
_NOTHING = contextlib.nullcontext()
_tracer: Any = None  # an opentelemetry Tracer while tracing is on
_provider: Any = None
SHUTDOWN_SECONDS = 5.0  # how long a stopping server waits for the last spans to go out

# Which backend a blocking call reaches, by the module that makes it.
BACKENDS = {
    "server.services.feature_serving": "feast.online",
    "server.services.online_store": "feast.online",
    "server.services.feature_registry": "feast.registry",
    "server.services.feast_repo": "feast.registry",
    "server.services.registration": "feast.registry",
    "server.services.gold_catalog": "iceberg.catalog",
    "server.services.gold_stats": "iceberg.catalog",
    "server.services.feature_push": "feast.push",
    "server.services.mlflow_tracking": "mlflow",
    "server.services.mlflow_writes": "mlflow",
    "server.services.model_aliases": "mlflow",
    "server.services.inference": "model",
    "server.services.model_workers": "model",
    "server.services.lineage": "mlflow",
    "server.services.drift": "iceberg.catalog",
    "server.services.exports": "feast.offline",
    "server.jobs.store": "jobs.table",
    "server.jobs.training": "jobs.table",
    "server.jobs.materializations": "feast.materialize",
}


def enabled() -> bool:
    return _tracer is not None


def enable(provider: Any) -> None:
    """Trace into `provider` (an SDK TracerProvider): from the environment's exporter, or a test's."""
    global _tracer, _provider
    _provider = provider
    _tracer = provider.get_tracer("asgard")


def disable(timeout: float = SHUTDOWN_SECONDS) -> None:
    """Stop tracing: flush what is buffered and shut the exporter down, waiting at most `timeout` s (a
    collector that does not answer must not hold up a stopping server: its spans are dropped, with a
    warning). The server's lifespan calls this as it stops, on SIGTERM as on SIGINT."""
    global _tracer, _provider
    provider, _tracer, _provider = _provider, None, None
    if provider is None:
        return

    def stop() -> None:
        with contextlib.suppress(Exception):
            provider.force_flush(int(timeout * 1000))
        with contextlib.suppress(Exception):
            provider.shutdown()

    stopping = threading.Thread(target=stop, name="asgard-tracing-shutdown", daemon=True)
    stopping.start()
    stopping.join(timeout)
    if stopping.is_alive():
        log.warning("tracing: the collector did not take the last spans within %.0f s; they are dropped", timeout)


def configure_from_environment(env: Mapping[str, str]) -> bool:
    """Turn tracing on when an OTLP endpoint is configured; whether it is on."""
    if not (env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
        return False
    if env.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or "asgard"})
    provider = TracerProvider(resource=resource, shutdown_on_exit=False)  # the lifespan's disable() bounds it
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    enable(provider)
    log.info(
        "tracing: spans exported by OTLP to %s",
        env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT"),
    )
    return True


def span(name: str, **attributes: Any) -> contextlib.AbstractContextManager[Any]:
    """A span around a block (a child of the current one), with the request id; a no-op when off."""
    tracer = _tracer
    if tracer is None:
        return _NOTHING
    return _span(tracer, name, attributes)


@contextlib.contextmanager
def _span(tracer: Any, name: str, attributes: dict[str, Any]) -> Iterator[Any]:
    request = current_request.get()
    if request is not None:
        attributes.setdefault("asgard.request_id", request.request_id)
    # An exception's message may hold what the API masks (a database URL, a path): a failed span records
    # the exception's type only, as the client's error says no more than its code.
    with tracer.start_as_current_span(
        name,
        attributes={k: v for k, v in attributes.items() if v is not None},
        record_exception=False,
        set_status_on_exception=False,
    ) as s:
        try:
            yield s
        except BaseException as error:
            from opentelemetry.trace import Status, StatusCode

            s.set_attribute("error.type", type(error).__qualname__)
            s.set_status(Status(StatusCode.ERROR, type(error).__qualname__))
            raise


def call_span(fn: Callable[..., Any]) -> contextlib.AbstractContextManager[Any]:
    """The span of a blocking backend call: named by the method (`MlflowTracking.model_version`), with
    the backend it reaches."""
    if _tracer is None:
        return _NOTHING
    target = getattr(fn, "func", fn)  # functools.partial
    module = getattr(target, "__module__", "") or ""
    name = str(getattr(target, "__qualname__", None) or getattr(target, "__name__", "call"))
    return span(name, **{"asgard.backend": BACKENDS.get(module, module.rsplit(".", 1)[-1] or "other")})
