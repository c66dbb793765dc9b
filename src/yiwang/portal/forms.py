"""Forms of the applicant's pages: the parts of an application that are not the item's own JSON Schema form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.cases.delivery import clean_delivery, pickup_centers
from yiwang.cases.models import Case
from yiwang.core.errors import ValidationFailed
from yiwang.ratings.models import REASONS, SCORE_LABELS


class ApplicationExtrasForm(forms.Form):
    """Who applies. Field names carry a hyphen, which no schema field can."""

    def __init__(self, *args, applicants: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case-applicant"] = forms.ChoiceField(
            label=_("申请人"),
            choices=applicants,
            widget=forms.RadioSelect,
            initial=applicants[0][0] if applicants else None,
        )


class DeliveryForm(forms.Form):
    """How the result comes back (送达): at application and on the case page until delivered. The checks are the
    cases app's own (cases.delivery.clean_delivery), so the page and the service never disagree."""

    # The service's field names → this form's (hyphenated: no item's schema field can take them).
    FIELD_OF = {
        "delivery_method": "delivery-method",
        "delivery_recipient": "delivery-recipient",
        "delivery_phone": "delivery-phone",
        "delivery_address": "delivery-address",
        "pickup_center": "delivery-center",
    }

    def __init__(self, *args, region, case: Case | None = None, **kwargs):
        if case is not None:
            kwargs.setdefault(
                "initial",
                {
                    "delivery-method": case.delivery_method,
                    "delivery-recipient": case.delivery_recipient,
                    "delivery-phone": case.delivery_phone,
                    "delivery-address": case.delivery_address,
                    "delivery-center": case.pickup_center_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["delivery-method"] = forms.ChoiceField(
            label=_("结果送达方式"),
            choices=Case.Delivery.choices,
            widget=forms.RadioSelect,
            initial=Case.Delivery.ONLINE,
        )
        self.fields["delivery-recipient"] = forms.CharField(label=_("收件人"), required=False, max_length=60)
        self.fields["delivery-phone"] = forms.CharField(
            label=_("收件人电话"),
            required=False,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        )
        self.fields["delivery-address"] = forms.CharField(
            label=_("邮寄地址"),
            required=False,
            max_length=200,
            help_text=_("请写明省、市、区（县）、街道和门牌号"),
            widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        )
        self.fields["delivery-center"] = forms.ModelChoiceField(
            label=_("领取地点"), queryset=pickup_centers(region), required=False, empty_label=_("请选择政务服务中心")
        )
        self.fields["delivery-center"].label_from_instance = lambda c: f"{c.name}（{c.address}）"

    @property
    def parts(self) -> dict:
        """The bound fields by short name, for templates (which cannot look up a hyphenated name)."""
        return {name.removeprefix("delivery-"): self[name] for name in self.fields}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.delivery = clean_delivery(
                method=data["delivery-method"],
                region=self.region,
                recipient=data.get("delivery-recipient", ""),
                phone=data.get("delivery-phone", ""),
                address=data.get("delivery-address", ""),
                pickup_center=data.get("delivery-center"),
            )
        except ValidationFailed as exc:
            for name, errors in exc.fields.items():
                self.add_error(self.FIELD_OF.get(name, "delivery-method"), errors)
        return data

    def submission(self) -> dict:
        """The keyword arguments case_submit takes."""
        return dict(self.delivery)

    def update(self) -> dict:
        """The keyword arguments case_delivery_update takes."""
        d = self.delivery
        return {
            "method": d["delivery_method"],
            "recipient": d["delivery_recipient"],
            "phone": d["delivery_phone"],
            "address": d["delivery_address"],
            "pickup_center": d["pickup_center"],
        }


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评价等级"),
        coerce=int,
        choices=sorted(SCORE_LABELS.items(), reverse=True),
        widget=forms.RadioSelect,
    )
    reasons = forms.MultipleChoiceField(
        label=_("评价理由（可多选）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("意见建议"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service compares reasons in the request's language, so the values are translated per request.
        self.fields["reasons"].choices = [(str(r), r) for r in REASONS]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因（选填）"), required=False, max_length=200)
