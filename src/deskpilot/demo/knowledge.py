# ruff: noqa: RUF001 (Chinese and Russian punctuation and letters, as customers write them)
"""The demo shop's knowledge base: short FAQ articles in English, Chinese and Russian (public,
published), and, when ``../shared/datasets/tau2_retail/policy.md`` is there, its sections as
internal policy articles, read from that file at run time (its text is not in this repository).

Loaded through the knowledge importer, so running the demo again changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.knowledge import importing
from deskpilot.knowledge.schemas import ImportResult
from deskpilot.models.knowledge import Visibility

POLICY = Path("shared") / "datasets" / "tau2_retail" / "policy.md"
_REPOSITORY = Path(__file__).resolve().parents[3]

# (id, language, title, body): five topics in three languages.
FAQ: list[tuple[str, str, str, str]] = [
    ("shipping", "en", "How long does shipping take?",
     "Orders leave our warehouse within 1 business day. Standard delivery takes 3-5 business "
     "days; express delivery takes 1-2 business days. You get a tracking link by email as soon "
     "as your parcel ships."),
    ("shipping", "zh", "发货和配送需要多长时间？",
     "订单会在一个工作日内从仓库发出。标准配送需要三到五个工作日，加急配送需要一到两个工作日。"
     "包裹发出后，我们会通过电子邮件发送物流追踪链接。"),
    ("shipping", "ru", "Сколько времени занимает доставка?",
     "Заказы отправляются со склада в течение одного рабочего дня. Стандартная доставка "
     "занимает 3-5 рабочих дней, экспресс-доставка — 1-2 рабочих дня. Ссылку для отслеживания "
     "мы присылаем по электронной почте сразу после отправки."),
    ("returns", "en", "How do I return an item?",
     "You can return a delivered item within 30 days. Ask us for a return in the chat with "
     "your order number; we send a prepaid label. The refund goes back to the original payment "
     "method within 5 business days after the item arrives."),
    ("returns", "zh", "如何退货？",
     "商品签收后三十天内可以申请退货。请在聊天中提供订单号，我们会发送预付运单。"
     "仓库收到商品后五个工作日内，退款将原路退回。"),
    ("returns", "ru", "Как вернуть товар?",
     "Доставленный товар можно вернуть в течение 30 дней. Напишите нам в чат номер заказа, "
     "и мы пришлём оплаченную этикетку. Деньги вернутся на исходный способ оплаты в течение "
     "5 рабочих дней после получения товара."),
    ("payment", "en", "Which payment methods do you accept?",
     "We accept Visa, Mastercard, American Express, PayPal and gift cards. You are charged when "
     "the order ships. An order can be paid with one gift card plus one other method."),
    ("payment", "zh", "支持哪些付款方式？",
     "我们支持 Visa、Mastercard、American Express、PayPal 和礼品卡。订单发货时才会扣款。"
     "一个订单可以使用一张礼品卡加一种其他付款方式。"),
    ("payment", "ru", "Какие способы оплаты вы принимаете?",
     "Мы принимаем Visa, Mastercard, American Express, PayPal и подарочные карты. Деньги "
     "списываются при отправке заказа. Заказ можно оплатить одной подарочной картой и ещё "
     "одним способом."),
    ("account", "en", "How do I reset my password?",
     "Open the sign-in page and choose Forgot password. Enter the email of your account; we "
     "send a reset link that is valid for one hour. To change your email address, contact us."),
    ("account", "zh", "如何重置密码？",
     "打开登录页面，点击“忘记密码”，输入账户邮箱。我们会发送一个一小时内有效的重置链接。"
     "如需更改邮箱地址，请联系我们。"),
    ("account", "ru", "Как сбросить пароль?",
     "Откройте страницу входа и выберите «Забыли пароль». Введите адрес почты аккаунта — мы "
     "пришлём ссылку для сброса, она действует один час. Чтобы сменить почту, напишите нам."),
    ("products", "en", "Do your products come with a warranty?",
     "All electronics come with a 2-year warranty against manufacturing defects. Keep your "
     "order number: it is your proof of purchase. Damage from accidents is not covered."),
    ("products", "zh", "产品有保修吗？",
     "所有电子产品均享有两年制造缺陷保修。请保留订单号作为购买凭证。意外损坏不在保修范围内。"),
    ("products", "ru", "Есть ли гарантия на товары?",
     "На всю электронику действует гарантия 2 года на заводские дефекты. Сохраните номер "
     "заказа — это подтверждение покупки. Случайные повреждения гарантией не покрываются."),
]  # fmt: skip
CATEGORIES = {"products": "product-information"}


def find_policy() -> Path | None:
    """``../shared/datasets/tau2_retail/policy.md`` from the current directory or the repo."""
    for base in (Path.cwd(), _REPOSITORY):
        candidate = base.parent / POLICY
        if candidate.is_file():
            return candidate
    return None


def _faq_source() -> importing.Source:
    lines = [
        json.dumps(
            {
                "id": f"{topic}-{language}",
                "title": title,
                "content": body,
                "language": language,
                "category": CATEGORIES.get(topic, "faq"),
                "tags": [topic],
            },
            ensure_ascii=False,
        )
        for topic, language, title, body in FAQ
    ]
    return importing.Source(path="demo/faq.jsonl", data="\n".join(lines).encode())


def policy_sources(text: str) -> list[importing.Source]:
    """One Markdown source per ``## `` section (the text before the first one is skipped)."""
    sources: list[importing.Source] = []
    for section in re.split(r"(?m)^## ", text)[1:]:
        heading, _, body = section.partition("\n")
        slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "section"
        document = f"# {heading.strip()}\n\n{body.strip()}\n"
        sources.append(
            importing.Source(path=f"tau2-retail-policy/{slug}.md", data=document.encode())
        )
    return sources


async def load_knowledge(
    session: AsyncSession, workspace_id: str, policy: Path | None = None
) -> list[ImportResult]:
    """Import (or leave as they are) the demo's FAQ articles and, if found, the policy."""
    results = [
        await importing.import_sources(
            session,
            workspace_id,
            [_faq_source()],
            importing.ImportOptions(visibility=Visibility.PUBLIC, publish=True),
            None,
        )
    ]
    path = policy if policy is not None else find_policy()
    if path is not None:
        results.append(
            await importing.import_sources(
                session,
                workspace_id,
                policy_sources(path.read_text(encoding="utf-8")),
                importing.ImportOptions(
                    category="policies", visibility=Visibility.INTERNAL, publish=True
                ),
                None,
            )
        )
    return results
