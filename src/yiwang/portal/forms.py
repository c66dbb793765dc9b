"""Forms of the applicant's pages: the parts of an application that are not the item's own JSON Schema form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.cases.models import Case
from yiwang.ratings.models import REASONS, SCORE_LABELS


class ApplicationExtrasForm(forms.Form):
    """Who applies and how the result comes back. Field names carry a hyphen, which no schema field can."""

    def __init__(self, *args, applicants: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case-applicant"] = forms.ChoiceField(
            label=_("申请人"),
            choices=applicants,
            widget=forms.RadioSelect,
            initial=applicants[0][0] if applicants else None,
        )
        self.fields["case-delivery"] = forms.ChoiceField(
            label=_("结果送达方式"),
            choices=Case.Delivery.choices,
            widget=forms.RadioSelect,
            initial=Case.Delivery.ONLINE,
        )


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
