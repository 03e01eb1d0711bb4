# ruff: noqa: RUF001 - Chinese and Russian messages, as customers write them
"""Which side of the hand-off bar the default sentiment model puts calm and angry messages.

    python bench/sentiment_bar.py [--bar -0.6] [--json]

The messages were written for the check after the seed examples (none is a seed): calm
reports that a device does not work, and angry ones about the same, in English, Chinese and
Russian. A calm message at or under the bar is handed to people for its sentiment alone; an
angry one above it is not. Prints each score and the count of each kind of error.
"""

from __future__ import annotations

import argparse
import json

from deskpilot.ai.understanding.sentiment import default_model
from deskpilot.knowledge.retrieval.embeddings import get_embedder

CALM = [
    "摄像头离线了",
    "摄像头离线了，怎么办",
    "音箱连不上WiFi",
    "手表充不进电，请问怎么处理",
    "App里看不到我的设备",
    "门铃没有声音了",
    "Камера не включается после обновления",
    "Приложение не видит колонку",
    "Часы не заряжаются, что делать?",
    "Звонок перестал звонить",
    "Не могу подключить камеру к вайфаю",
    "The camera shows offline",
    "My doorbell stopped ringing",
    "The app can't find my speaker",
    "Watch won't charge, what should I do?",
]
ANGRY = [
    "摄像头又离线了，你们的产品太垃圾了",
    "第三次坏了，我要投诉",
    "Камера опять не работает, это просто издевательство",
    "Третий раз ломается, верните деньги",
    "The camera is offline AGAIN, this is garbage",
    "Third time it broke, I want my money back now",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bar", type=float, default=-0.6)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    model = default_model(get_embedder())
    calm = model.predict_many(CALM)
    angry = model.predict_many(ANGRY)
    result = {
        "calm": len(CALM),
        "angry": len(ANGRY),
        "calm_at_or_under_bar": sum(s.score <= args.bar for s in calm),
        "angry_above_bar": sum(s.score > args.bar for s in angry),
        "calm_scores": {t: s.score for t, s in zip(CALM, calm, strict=True)},
        "angry_scores": {t: s.score for t, s in zip(ANGRY, angry, strict=True)},
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for text, score in [*result["calm_scores"].items(), *result["angry_scores"].items()]:
        print(f"{score:+.2f}  {text}")
    print(
        f"calm at or under {args.bar}: {result['calm_at_or_under_bar']} of {len(CALM)}; "
        f"angry above it: {result['angry_above_bar']} of {len(ANGRY)}"
    )


if __name__ == "__main__":
    main()
