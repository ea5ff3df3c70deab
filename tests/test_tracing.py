"""Traces from a real `asgard serve` with OTEL_EXPORTER_OTLP_ENDPOINT set: the operation's span and its
backend calls arrive at an OTLP/HTTP collector (a small one here, decoding what it is sent)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.support.http_client import HTTP
from tests.support.server import ServerProcess


class _Collector(BaseHTTPRequestHandler):
    received: list[ExportTraceServiceRequest] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        if self.path == "/v1/traces":
            self.received.append(ExportTraceServiceRequest.FromString(body))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def test_a_served_operation_is_exported_by_otlp(tmp_path):
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_address[1]}",
        "OTEL_SERVICE_NAME": "asgard-test",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    server = ServerProcess(tmp_path / "data", "--log-level", "WARNING", env=env).start()
    try:
        query = "query Views { featureViews(first: 1) { totalCount } goldTables { name } }"
        answer = HTTP.post(f"{server.url}/graphql", json={"query": query}, timeout=60)
        assert answer.status_code == 200 and "errors" not in answer.json()
        request_id = answer.headers["x-request-id"]
        deadline = time.monotonic() + 30
        spans: dict[str, object] = {}
        while time.monotonic() < deadline and "query Views" not in spans:
            time.sleep(0.2)
            for export in list(_Collector.received):
                for resource in export.resource_spans:
                    service = {a.key: a.value.string_value for a in resource.resource.attributes}["service.name"]
                    assert service == "asgard-test"
                    for scope in resource.scope_spans:
                        for span in scope.spans:
                            spans[span.name] = span
    finally:
        server.stop()
        collector.shutdown()
    root = spans["query Views"]
    attributes = {a.key: a.value.string_value for a in root.attributes}
    assert attributes["asgard.request_id"] == request_id and attributes["graphql.operation.name"] == "Views"
    children = [s for s in spans.values() if s.parent_span_id == root.span_id]
    assert any(
        {a.key: a.value.string_value for a in s.attributes}.get("asgard.backend") == "iceberg.catalog" for s in children
    ), list(spans)


def test_a_failed_span_records_the_errors_type_not_its_message_and_stopping_is_bounded():
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from server import tracing

    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.enable(provider)
    try:
        try:
            with tracing.span("backend"):
                raise ValueError("postgresql://asgard:s3cret@db/asgard")
        except ValueError:
            pass
    finally:
        tracing.disable(timeout=1.0)
    (failed,) = exporter.get_finished_spans()
    assert failed.status.status_code.name == "ERROR" and failed.attributes["error.type"] == "ValueError"
    assert "s3cret" not in repr(failed.to_json()) and not failed.events
    assert not tracing.enabled()
