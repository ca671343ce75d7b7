"""Log predictions, their features and their labels to driftwatch from Python, without the SDK.

driftwatch's wire contract is plain Kafka: one JSON event per message, keyed by model, on the topic
of its kind. This example uses confluent-kafka (librdkafka) with zstd compression, as a serving app
in Python would; the ingest service reads none, gzip, snappy, lz4 and zstd alike.

    pip install 'confluent-kafka>=2.5,<3'
    python examples/python/produce.py --brokers localhost:9092 --model fraud-detector --count 100

It prints one JSON line: the model, the topics and the event_id of each prediction it logged.
Exit status 0 when Kafka acknowledged every message, 1 otherwise.
"""

import argparse
import json
import os
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

from confluent_kafka import Producer


def iso(ts):
    """ISO-8601 with milliseconds and a zone, as the schemas require (epoch milliseconds work too)."""
    return ts.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def topics(prefix):
    # <prefix>.predictions, .features, .labels (the ingest service's TOPIC_PREFIX, default "driftwatch")
    return {"prediction": f"{prefix}.predictions", "features": f"{prefix}.features", "label": f"{prefix}.labels"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brokers", default=os.environ.get("KAFKA_BROKERS", "localhost:9092"))
    parser.add_argument("--topic-prefix", default=os.environ.get("TOPIC_PREFIX", "driftwatch"))
    parser.add_argument("--model", default="fraud-detector")
    parser.add_argument("--model-version", default="2024.06.1")
    parser.add_argument("--count", type=int, default=100, help="predictions to log (each with its features and label)")
    parser.add_argument("--compression", default="zstd", choices=["zstd", "lz4", "snappy", "gzip", "none"])
    args = parser.parse_args()

    producer = Producer(
        {
            "bootstrap.servers": args.brokers,
            "compression.type": args.compression,
            "acks": "all",  # stored on every in-sync replica before it counts as sent
            "enable.idempotence": True,  # retries never write a message twice
            "linger.ms": 20,  # batch for 20 ms: compression works on batches
        }
    )
    names = topics(args.topic_prefix)
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(f"{msg.topic()}: {err}")

    def send(kind, event):
        producer.produce(
            names[kind],
            key=event["model"].encode(),  # key = model: one model's events stay in order in a partition
            value=json.dumps(event, separators=(",", ":"), allow_nan=False).encode(),
            headers=[("producer", b"examples/python/produce.py")],  # optional; kept on dead letters
            on_delivery=delivered,
        )
        producer.poll(0)  # serve delivery callbacks as we go

    rng = random.Random(7)
    now = datetime.now(timezone.utc)
    event_ids = []
    for i in range(args.count):
        event_id = str(uuid.uuid4())  # the dedup key: a retried event keeps its id
        event_ids.append(event_id)
        at = now - timedelta(seconds=args.count - i)
        amount = round(rng.lognormvariate(3, 1), 2)
        score = round(min(1.0, amount / 200), 4)
        features = {"amount": amount, "country": rng.choice(["FR", "DE", "US"]), "merchant": None}
        send(
            "prediction",
            {
                "event_id": event_id,
                "model": args.model,
                "model_version": args.model_version,
                "timestamp": iso(at),
                "latency_ms": round(rng.uniform(2, 40), 3),
                "status": "ok",
                "prediction": 1 if score >= 0.5 else 0,
                "score": score,
                "probabilities": {"fraud": score, "legit": round(1 - score, 4)},
            },
        )
        # features may also travel inline in the prediction ("features": {...}); here they are their own event
        send("features", {"event_id": event_id, "model": args.model, "model_version": args.model_version, "timestamp": iso(at), "features": features})
        # the label usually arrives later (up to 30 days by default), with the prediction's event_id
        send("label", {"event_id": event_id, "model": args.model, "timestamp": iso(at + timedelta(milliseconds=500)), "label": int(amount > 100)})

    unsent = producer.flush(60)
    if unsent or failures:
        print(f"produce.py: {unsent} messages unsent, {len(failures)} failed: {failures[:5]}", file=sys.stderr)
        return 1
    print(json.dumps({"model": args.model, "topics": names, "compression": args.compression, "event_ids": event_ids}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
