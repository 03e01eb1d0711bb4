# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers read them
"""What the bot says, in the customer's language (en, zh, ru; other languages get English).

Every sentence the bot writes itself comes from here, so a reply never carries text the
customer did not ask for, and a translation is one table to extend.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

SUPPORTED = ("en", "zh", "ru")

TEXTS: dict[str, dict[str, str]] = {
    "greeting": {
        "en": "Hello! How can I help you today?",
        "zh": "您好！请问有什么可以帮您？",
        "ru": "Здравствуйте! Чем могу помочь?",
    },
    "safety.medical": {
        "en": "If you have trouble breathing, or your face, lips or throat are swelling, please "
        "get medical help right away: call your local emergency number.",
        "zh": "如果您呼吸困难，或脸部、嘴唇、喉咙肿胀，请立即就医或拨打当地急救电话。",
        "ru": "Если вам трудно дышать или отекают лицо, губы или горло, пожалуйста, сразу "
        "обратитесь за медицинской помощью: позвоните в скорую.",
    },
    "anything_else": {
        "en": "All right. Is there anything else I can help you with?",
        "zh": "好的。还有什么可以帮您的吗？",
        "ru": "Хорошо. Могу ещё чем-нибудь помочь?",
    },
    "verified.ready": {
        "en": "Thank you, I have confirmed who you are. How can I help you today?",
        "zh": "谢谢，已确认您的身份。请问有什么可以帮您？",
        "ru": "Спасибо, я подтвердил вашу личность. Чем могу помочь?",
    },
    "language.switched": {
        "en": "Of course, I'll write in English. How can I help you?",
        "zh": "好的，我会用中文回复。请问有什么可以帮您？",
        "ru": "Конечно, буду писать по-русски. Чем могу помочь?",
    },
    "closing": {
        "en": "You're welcome! If you need anything else, just write here.",
        "zh": "不客气！如果还有其他问题，随时在这里留言。",
        "ru": "Пожалуйста! Если понадобится что-то ещё, просто напишите сюда.",
    },
    "thanks": {
        "en": "Thank you for your feedback, we have passed it on to the team.",
        "zh": "感谢您的反馈，我们已转达给相关团队。",
        "ru": "Спасибо за отзыв, мы передали его команде.",
    },
    "answer.sources": {
        "en": "Source: {titles}",
        "zh": "来源：{titles}",
        "ru": "Источник: {titles}",
    },
    "handoff.notice": {
        "en": "I'm passing you to a member of our team; they will reply here as soon as they "
        "can. You don't need to repeat anything.",
        "zh": "我正在为您转接人工客服，他们会尽快在这里回复您，您无需重复说明。",
        "ru": "Передаю ваш вопрос сотруднику: он ответит здесь, как только сможет. "
        "Повторять ничего не нужно.",
    },
    "handoff.ticket": {
        "en": "Your request number is {reference}.",
        "zh": "您的工单编号是 {reference}。",
        "ru": "Номер вашего обращения: {reference}.",
    },
    "clarify.intent": {
        "en": "Could you tell me a little more about what you need? For example, is it about "
        "an order, a return, your account or a product?",
        "zh": "能再具体说明一下您的需求吗？例如是关于订单、退货、账户还是商品？",
        "ru": "Уточните, пожалуйста, что вам нужно: это касается заказа, возврата, аккаунта "
        "или товара?",
    },
    "verify.ask": {
        "en": "To look at your orders I first need to confirm who you are: please send the email "
        "address on your account and your order number (for example {example}), or your full "
        "name and zip code.",
        "zh": "在查看您的订单之前，我需要先核实您的身份：请提供账户邮箱和订单号（例如 {example}），"
        "或您的全名和邮编。",
        "ru": "Чтобы посмотреть ваши заказы, мне нужно подтвердить вашу личность: пришлите email "
        "аккаунта и номер заказа (например, {example}) или полное имя и почтовый индекс.",
    },
    "verify.more.order": {
        "en": "Thank you. To confirm it's you, please also send the number of one of your "
        "orders (for example {example}).",
        "zh": "谢谢。为确认是您本人，请再提供您的一个订单号（例如 {example}）。",
        "ru": "Спасибо. Чтобы подтвердить, что это вы, пришлите ещё номер одного из ваших "
        "заказов (например, {example}).",
    },
    "verify.more.email": {
        "en": "Thank you. To confirm it's you, please also send the email address on your account.",
        "zh": "谢谢。为确认是您本人，请再提供您账户的邮箱地址。",
        "ru": "Спасибо. Чтобы подтвердить, что это вы, пришлите ещё email вашего аккаунта.",
    },
    "verify.more.zip": {
        "en": "Thank you. To confirm it's you, please also send your zip code.",
        "zh": "谢谢。为确认是您本人，请再提供您的邮编。",
        "ru": "Спасибо. Чтобы подтвердить, что это вы, пришлите ещё ваш почтовый индекс.",
    },
    "verify.more.name": {
        "en": "Thank you. To confirm it's you, please also send your full name.",
        "zh": "谢谢。为确认是您本人，请再提供您的全名。",
        "ru": "Спасибо. Чтобы подтвердить, что это вы, пришлите ещё ваше полное имя.",
    },
    "verify.someone_else": {
        "en": "I can only help with an account when its holder writes to us: please ask them to "
        "contact us themselves. If the account is yours, send your own email and order number.",
        "zh": "只有账户本人联系我们时，我才能处理该账户的订单：请让本人直接联系我们。"
        "如果这是您自己的账户，请发送您的邮箱和订单号。",
        "ru": "Я могу помочь с аккаунтом, только когда пишет его владелец: попросите его "
        "написать нам самому. Если аккаунт ваш, пришлите свой email и номер заказа.",
    },
    "verify.failed": {
        "en": "I couldn't match those details to an account. Please check the email and order "
        "number, or send your full name and zip code.",
        "zh": "无法根据这些信息找到账户。请核对邮箱和订单号，或提供您的全名和邮编。",
        "ru": "Не удалось найти аккаунт по этим данным. Проверьте email и номер заказа или "
        "пришлите полное имя и индекс.",
    },
    "actions.ask.order_id": {
        "en": "Which order is it about? Please send the order number (for example {example}).",
        "zh": "请问是哪个订单？请提供订单号（例如 {example}）。",
        "ru": "О каком заказе идёт речь? Пришлите номер заказа (например, {example}).",
    },
    "order.list": {
        "en": "Your recent orders: {orders}. Tell me which one you need help with.",
        "zh": "您最近的订单：{orders}。请告诉我您需要哪个订单的帮助。",
        "ru": "Ваши последние заказы: {orders}. Скажите, с каким из них нужна помощь.",
    },
    "actions.ask.order_id.choices": {
        "en": "Which order is it about: {choices}? Please send the order number.",
        "zh": "请问是哪个订单：{choices}？请提供订单号。",
        "ru": "О каком заказе идёт речь: {choices}? Пришлите номер заказа.",
    },
    "actions.item_not_theirs": {
        "en": "I couldn't find that item in your recent orders.",
        "zh": "在您最近的订单中没有找到该商品。",
        "ru": "В ваших последних заказах нет такого товара.",
    },
    "actions.ask.reason": {
        "en": "Why would you like to cancel order {order}? The reasons we accept are: {choices}.",
        "zh": "请问取消订单 {order} 的原因是什么？可接受的原因：{choices}。",
        "ru": "Почему вы хотите отменить заказ {order}? Возможные причины: {choices}.",
    },
    "actions.ask.item_ids": {
        "en": "Which items would you like to return? The order has: {choices}.",
        "zh": "您想退回哪些商品？该订单包含：{choices}。",
        "ru": "Какие товары вы хотите вернуть? В заказе: {choices}.",
    },
    "actions.ask.so_far.return_order": {
        "en": "Returning {items} from order {order}.",
        "zh": "退回订单 {order} 中的 {items}。",
        "ru": "Возврат: {items} из заказа {order}.",
    },
    "actions.ask.payment_method_id": {
        "en": "Where should the refund go? Options: {choices}.",
        "zh": "退款应退到哪里？可选：{choices}。",
        "ru": "Куда вернуть деньги? Варианты: {choices}.",
    },
    "actions.ask.address": {
        "en": "Please send the full new address for order {order}: street and house number, "
        "postcode, city and country (and the state for a US address).",
        "zh": "请提供订单 {order} 的完整新地址：街道和门牌号、邮编、城市和国家"
        "（美国地址请写上州）。",
        "ru": "Пришлите полный новый адрес для заказа {order}: улица и дом, индекс, город и "
        "страна (для адреса в США — и штат).",
    },
    "actions.ask.address_again": {
        "en": "To be sure I get it right, please send the whole corrected address for order "
        "{order}: street and house number, postcode, city and country (and the state for a US "
        "address).",
        "zh": "为确保准确，请重新发送订单 {order} 的完整新地址：街道和门牌号、邮编、城市和国家"
        "（美国地址请写上州）。",
        "ru": "Чтобы ничего не перепутать, пришлите исправленный адрес для заказа {order} "
        "целиком: улица и дом, индекс, город и страна (для адреса в США — и штат).",
    },
    "actions.refused.not_yours": {
        "en": "I can only help with the orders of the account you have verified.",
        "zh": "我只能处理您已验证账户下的订单。",
        "ru": "Я могу помочь только с заказами подтверждённого аккаунта.",
    },
    "actions.refused.not_verified": {
        "en": "I can only do this for a verified account holder.",
        "zh": "只有通过身份验证的账户持有人才能办理此项操作。",
        "ru": "Это можно сделать только для подтверждённого владельца аккаунта.",
    },
    "actions.refused.order_not_found": {
        "en": "I couldn't find that order on your account. Please check the order number.",
        "zh": "在您的账户中找不到该订单，请核对订单号。",
        "ru": "Не нашёл такого заказа в вашем аккаунте. Проверьте номер заказа.",
    },
    "actions.refused.not_pending": {
        "en": "Order {order} is {status}, so it can no longer be changed or cancelled.",
        "zh": "订单 {order} 当前状态为 {status}，已无法修改或取消。",
        "ru": "Заказ {order} в статусе «{status}», изменить или отменить его уже нельзя.",
    },
    "actions.refused.no_order_fits.pending": {
        "en": "None of your recent orders is still pending, and only a pending order can be "
        "changed or cancelled: {orders}.",
        "zh": "您最近的订单都不是待处理状态，只有待处理的订单才能修改或取消：{orders}。",
        "ru": "Среди ваших последних заказов нет ожидающих обработки, а изменить или отменить "
        "можно только такой заказ: {orders}.",
    },
    "actions.refused.no_order_fits.delivered": {
        "en": "None of your recent orders has been delivered yet; a return is possible once an "
        "order has been delivered: {orders}.",
        "zh": "您最近的订单都尚未送达，送达后才能申请退货：{orders}。",
        "ru": "Ни один из ваших последних заказов ещё не доставлен; вернуть товар можно после "
        "доставки: {orders}.",
    },
    "actions.refused.not_delivered": {
        "en": "Order {order} is {status}; a return is possible once it has been delivered.",
        "zh": "订单 {order} 当前状态为 {status}，送达后才能申请退货。",
        "ru": "Заказ {order} в статусе «{status}»; вернуть его можно после доставки.",
    },
    "actions.offer_cancel": {
        "en": "Order {order} is {status}: it has not shipped, so there is nothing to return. I "
        "can cancel it instead; the refund goes back to the original payment method. Shall I "
        "cancel it? (yes / no)",
        "zh": "订单 {order} 当前状态为 {status}，还没有发货，无需退货。我可以为您取消这个订单，"
        "款项会原路退回。要取消吗？（是/否）",
        "ru": "Заказ {order} в статусе «{status}», он ещё не отправлен, возвращать нечего. Я "
        "могу отменить его, деньги вернутся тем же способом оплаты. Отменить? (да / нет)",
    },
    "actions.refused.not_delivered.cancelled": {
        "en": "Order {order} is cancelled, so there is nothing to return: its refund goes back to "
        "the original payment method.",
        "zh": "订单 {order} 已取消，无需退货：退款会原路退回。",
        "ru": "Заказ {order} отменён, возвращать нечего: деньги вернутся тем же способом оплаты.",
    },
    "actions.refused.not_delivered.return requested": {
        "en": "A return is already open for order {order}; the return instructions were sent "
        "by email.",
        "zh": "订单 {order} 已经申请了退货，退货说明已通过邮件发送。",
        "ru": "Возврат по заказу {order} уже оформлен; инструкции отправлены по email.",
    },
    "actions.refused.reason_not_accepted": {
        "en": "I can cancel an order only when it is no longer needed or was ordered by mistake.",
        "zh": "只有在不再需要或误下单的情况下才能取消订单。",
        "ru": "Отменить заказ можно, только если он больше не нужен или оформлен по ошибке.",
    },
    "actions.refused.item_not_in_order": {
        "en": "Some of those items are not in order {order}.",
        "zh": "部分商品不在订单 {order} 中。",
        "ru": "Некоторых из этих товаров нет в заказе {order}.",
    },
    "actions.refused.final_sale": {
        "en": "{items} is marked final sale, so I can't open a return for it. If it arrived "
        "damaged or faulty, ask for a person and our team will look at it.",
        "zh": "{items} 标注为清仓商品，不支持退货，我无法为其办理退货。"
        "如果商品送达时有损坏或质量问题，请回复“转人工”，我们的同事会帮您处理。",
        "ru": "{items}: товар продаётся без возврата, поэтому оформить возврат я не могу. Если он "
        "пришёл повреждённым или с браком, попросите позвать сотрудника, и команда разберётся.",
    },
    "actions.refused.refund_method_not_allowed": {
        "en": "The refund can go only to the original payment method or an existing gift card.",
        "zh": "退款只能退回原支付方式或已有的礼品卡。",
        "ru": "Вернуть деньги можно только на исходный способ оплаты или имеющуюся "
        "подарочную карту.",
    },
    "actions.refused.not_confirmed": {
        "en": "Nothing was changed.",
        "zh": "未做任何更改。",
        "ru": "Ничего не изменено.",
    },
    "actions.refused.invalid_address": {
        "en": "That address looks incomplete, or its postcode does not match the country. "
        "Please send street and house number, postcode, city and country (and the state for a "
        "US address).",
        "zh": "地址似乎不完整，或邮编与国家不符。请提供街道和门牌号、邮编、城市和国家"
        "（美国地址请写上州）。",
        "ru": "Адрес неполный или индекс не подходит к стране. Пришлите улицу и дом, индекс, "
        "город и страну (для адреса в США — и штат).",
    },
    "actions.confirm.cancel_order": {
        "en": "I will cancel order {order} with {items} ({reason}); the refund of {total} goes "
        "back to the original payment method. Shall I go ahead? (yes / no)",
        "zh": "我将取消订单 {order}（{items}；原因：{reason}），{total} 将退回原支付方式。"
        "确认吗？（是/否）",
        "ru": "Я отменю заказ {order} ({items}; причина: {reason}); {total} вернутся на "
        "исходный способ оплаты. Подтверждаете? (да / нет)",
    },
    "actions.confirm.return_order": {
        "en": "I will open a return for {items} from order {order}, refunded to {refund}. "
        "Shall I go ahead? (yes / no)",
        "zh": "我将为订单 {order} 中的 {items} 办理退货，退款至 {refund}。确认吗？（是/否）",
        "ru": "Я оформлю возврат: {items} из заказа {order}; способ возврата денег: {refund}. "
        "Подтверждаете? (да / нет)",
    },
    "actions.confirm.change_address": {
        "en": "I will change the shipping address of order {order} to {address}. Shall I go "
        "ahead? (yes / no)",
        "zh": "我将把订单 {order} 的收货地址改为 {address}。确认吗？（是/否）",
        "ru": "Я изменю адрес доставки заказа {order} на {address}. Подтверждаете? (да / нет)",
    },
    "actions.done.cancel_order": {
        "en": "Done: order {order} is cancelled. The refund goes back to the original payment "
        "method.",
        "zh": "已完成：订单 {order} 已取消，退款将原路退回。",
        "ru": "Готово: заказ {order} отменён. Деньги вернутся тем же способом оплаты.",
    },
    "actions.done.return_order": {
        "en": "Done: the return for order {order} is open. You will receive the return "
        "instructions by email.",
        "zh": "已完成：订单 {order} 的退货申请已提交，退货说明将通过邮件发送给您。",
        "ru": "Готово: возврат по заказу {order} оформлен. Инструкции придут по email.",
    },
    "actions.done.change_address": {
        "en": "Done: order {order} will ship to {address}.",
        "zh": "已完成：订单 {order} 将寄往 {address}。",
        "ru": "Готово: заказ {order} будет доставлен по адресу {address}.",
    },
    "actions.confirm.again": {
        "en": "Shall I go ahead? Please answer yes or no; nothing changes until you say yes.",
        "zh": "要我继续吗？请回答“是”或“否”；在您说“是”之前，什么都不会更改。",
        "ru": "Выполнить? Ответьте, пожалуйста, «да» или «нет»; пока вы не скажете «да», "
        "ничего не изменится.",
    },
    "actions.confirm.still.cancel_order": {
        "en": "Shall I still cancel order {order}? (yes / no)",
        "zh": "还要取消订单 {order} 吗？（是/否）",
        "ru": "Отменяем заказ {order}, как договорились? (да / нет)",
    },
    "actions.confirm.still.return_order": {
        "en": "Shall I still open the return for order {order}? (yes / no)",
        "zh": "还要为订单 {order} 办理退货吗？（是/否）",
        "ru": "Оформляем возврат по заказу {order}, как договорились? (да / нет)",
    },
    "actions.confirm.still.change_address": {
        "en": "Shall I still change the shipping address of order {order}? (yes / no)",
        "zh": "还要修改订单 {order} 的收货地址吗？（是/否）",
        "ru": "Меняем адрес доставки заказа {order}, как договорились? (да / нет)",
    },
    "actions.preview.confirmed": {
        "en": "Confirmed: the bot would now run {action} for order {order}. A preview changes "
        "nothing.",
        "zh": "已确认：机器人现在会对订单 {order} 执行 {action}。预览不会做任何更改。",
        "ru": "Подтверждено: бот сейчас выполнил бы {action} для заказа {order}. Предпросмотр "
        "ничего не меняет.",
    },
    "actions.whole_order": {
        "en": "I can only cancel a whole order, not some of its items.",
        "zh": "我只能取消整个订单，无法只取消其中部分商品。",
        "ru": "Я могу отменить только весь заказ, а не отдельные товары.",
    },
    "actions.partial.cancel_order": {
        "en": "I can only cancel a whole order, not some of its items, so I'm passing you to a "
        "member of our team; they will reply here as soon as they can.",
        "zh": "我只能取消整个订单，无法只取消其中部分商品，所以正在为您转接人工客服，"
        "他们会尽快在这里回复您。",
        "ru": "Я могу отменить только весь заказ, а не отдельные товары, поэтому передаю ваш "
        "вопрос сотруднику: он ответит здесь, как только сможет.",
    },
    "actions.partial.return_order": {
        "en": "I can only return all the units of an item, not some of them, so I'm passing you "
        "to a member of our team; they will reply here as soon as they can.",
        "zh": "我只能退回某件商品的全部数量，无法只退其中一部分，所以正在为您转接人工客服，"
        "他们会尽快在这里回复您。",
        "ru": "Я могу оформить возврат только всех единиц товара, а не части, поэтому передаю "
        "ваш вопрос сотруднику: он ответит здесь, как только сможет.",
    },
    "actions.one_at_a_time": {
        "en": "You also named {orders}: I change one order at a time, so ask me again about "
        "the next one once this one is done.",
        "zh": "您还提到了 {orders}：我一次只处理一个订单，这个完成后请再告诉我下一个。",
        "ru": "Вы назвали ещё {orders}: я меняю заказы по одному, поэтому напишите о следующем, "
        "когда закончим с этим.",
    },
    "actions.declined": {
        "en": "All right, I haven't changed anything. Is there anything else I can help with?",
        "zh": "好的，我没有做任何更改。还有什么可以帮您？",
        "ru": "Хорошо, я ничего не менял. Могу ещё чем-то помочь?",
    },
    "order.status": {
        "en": "Order {order} is {status}. Items: {items}.",
        "zh": "订单 {order} 当前状态：{status}。商品：{items}。",
        "ru": "Заказ {order}: статус «{status}». Товары: {items}.",
    },
    "order.tracking": {
        "en": "Tracking: {tracking}.",
        "zh": "物流单号：{tracking}。",
        "ru": "Отслеживание: {tracking}.",
    },
    "order.shipping_to": {
        "en": "Shipping address: {address}.",
        "zh": "收货地址：{address}。",
        "ru": "Адрес доставки: {address}.",
    },
}


TERMS: dict[str, dict[str, str]] = {
    "pending": {"zh": "待处理", "ru": "ожидает обработки"},
    "processed": {"zh": "已处理", "ru": "обработан"},
    "delivered": {"zh": "已送达", "ru": "доставлен"},
    "cancelled": {"zh": "已取消", "ru": "отменён"},
    "return requested": {"zh": "已申请退货", "ru": "запрошен возврат"},
    "exchange requested": {"zh": "已申请换货", "ru": "запрошен обмен"},
    "no longer needed": {"zh": "不再需要", "ru": "больше не нужен"},
    "ordered by mistake": {"zh": "误下单", "ru": "заказан по ошибке"},
    # payment methods by the source their id starts with ("paypal_2306935")
    "paypal": {"en": "PayPal", "zh": "PayPal", "ru": "PayPal"},
    "credit_card": {"en": "credit card", "zh": "信用卡", "ru": "банковская карта"},
    "gift_card": {"en": "gift card", "zh": "礼品卡", "ru": "подарочная карта"},
}
"""Order statuses, cancellation reasons and payment sources as the customer reads them."""


def _kind(method_id: str) -> str:
    return method_id.rsplit("_", 1)[0] if "_" in method_id else method_id


def payment_methods(method_ids: list[str], language: str | None) -> list[str]:
    """Each method by its kind in the customer's language ("credit card", "礼品卡"), with its id
    only where two are of one kind ("gift card (gift_card_1)", "gift card (gift_card_2)"): an
    internal id means nothing to a customer otherwise. An id of no known kind as it is."""
    kinds = [_kind(m) for m in method_ids]
    shown = []
    for method_id, source in zip(method_ids, kinds, strict=True):
        kind = TERMS.get(source, {}).get(language_of(language))
        if kind is None:
            shown.append(method_id)
        else:
            shown.append(f"{kind} ({method_id})" if kinds.count(source) > 1 else kind)
    return shown


def payment_method(method_id: str, language: str | None) -> str:
    """One method by its kind ("PayPal", "礼品卡"); an id of no known kind as it is."""
    return payment_methods([method_id], language)[0]


CURRENCY_SIGNS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3", "CNY": "\u00a5"}


def money(amount: Any, currency: str, language: str | None = None) -> str:
    """'$536.65', '$11,270.00', '11 270,00 ₽' (in Russian: a space between thousands, a decimal
    comma, the rouble sign after), '74.99 CHF': two decimals, the currency's sign when it has a
    common one; an amount that is not a number as it is."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(amount)
    code = currency.upper()
    number = f"{value:,.2f}"
    if language_of(language) == "ru":
        number = number.replace(",", "\u00a0").replace(".", ",")
    if code == "RUB":
        return f"{number}\u00a0\u20bd"
    sign = CURRENCY_SIGNS.get(code)
    return f"{sign}{number}" if sign else f"{number} {code}".strip()


def term(value: str, language: str | None) -> str:
    """``value`` (a status, a reason) in the customer's language, or as it is."""
    return TERMS.get(value, {}).get(language_of(language), value)


def language_of(code: str | None) -> str:
    """The language the bot writes in for a customer who writes ``code``."""
    base = (code or "en").split("-")[0].lower()
    return base if base in SUPPORTED else "en"


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def joined(parts: list[str], language: str | None) -> str:
    """Sentences one after another: with a space, none in Chinese."""
    return ("" if language_of(language) == "zh" else " ").join(p for p in parts if p)


def say(key: str, language: str | None, **values: Any) -> str:
    """The text ``key`` in the customer's language, with ``values`` filled in (a value the
    template names but the caller does not give is left empty)."""
    variants = TEXTS[key]
    template = variants.get(language_of(language)) or variants["en"]
    return template.format_map(_Values(values))
