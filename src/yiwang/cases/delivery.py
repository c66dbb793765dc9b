"""How a case's result reaches its applicant (送达): the choices and their checks, shared by every channel.

电子送达 needs nothing more; 邮寄送达 needs a recipient, a phone that can be called and an address; 窗口领取 of an
online or home-service case names the service centre whose 一窗出件 hands it over (a walk-in collects where it applied).
"""

import re

from django.utils.translation import gettext as _

from yiwang.core.errors import ValidationFailed
from yiwang.org.models import ServiceCenter

from .models import Case

# A mainland mobile number, or a landline with its area code (020-12345678, 02012345678).
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def pickup_centers(region):
    """The halls that may hand over a case of this region: its own and its ancestors' (a district's case may be
    collected at the city hall), nearest first; each one's clerks can see the case."""
    return (
        ServiceCenter.objects.filter(region__in=region.ancestors_and_self())
        .select_related("region")
        .order_by("-region__depth", "name")
    )


def clean_delivery(
    *,
    method: str,
    region,
    channel: str = Case.Channel.ONLINE,
    recipient: str = "",
    phone: str = "",
    address: str = "",
    pickup_center=None,
) -> dict:
    """The delivery fields to store on the case, or every problem at once, each under the field it concerns."""
    errors: dict[str, list[str]] = {}
    if method not in Case.Delivery.values:
        raise ValidationFailed(fields={"delivery_method": [_("不是可选的送达方式")]})
    fields = {
        "delivery_method": method,
        "delivery_recipient": "",
        "delivery_phone": "",
        "delivery_address": "",
        "pickup_center": None,
    }
    if method == Case.Delivery.POST:
        recipient, phone, address = recipient.strip(), re.sub(r"\s", "", phone), address.strip()
        if not recipient:
            errors["delivery_recipient"] = [_("邮寄送达须填写收件人")]
        elif len(recipient) > 60:
            errors["delivery_recipient"] = [_("收件人不能超过 60 个字")]
        if not phone:
            errors["delivery_phone"] = [_("邮寄送达须填写收件人电话")]
        elif not PHONE.match(phone):
            errors["delivery_phone"] = [_("收件人电话应为 11 位手机号码或带区号的固定电话")]
        if not address:
            errors["delivery_address"] = [_("邮寄送达须填写邮寄地址")]
        elif len(address) < 6:
            errors["delivery_address"] = [_("邮寄地址请写明省市区、街道和门牌号")]
        elif len(address) > 200:
            errors["delivery_address"] = [_("邮寄地址不能超过 200 个字")]
        fields.update(delivery_recipient=recipient, delivery_phone=phone, delivery_address=address)
    elif method == Case.Delivery.WINDOW and (pickup_center is not None or channel != Case.Channel.WINDOW):
        if pickup_center is None:
            errors["pickup_center"] = [_("窗口领取须选择领取地点")]
        elif not pickup_centers(region).filter(pk=pickup_center.pk).exists():
            errors["pickup_center"] = [_("该政务服务中心不能领取本办件的结果，请另选")]
        fields["pickup_center"] = pickup_center
    if errors:
        raise ValidationFailed(fields=errors)
    return fields
