"""The search forms of the 政务公开 pages: each field optional, a wrong one named and left out of the search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.credit.models import ListKind
from yiwang.publicity.models import Publication


class PublicationSearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *Publication.Kind.choices])
    holder = forms.CharField(label=_("行政相对人名称"), required=False, max_length=120)
    code = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=18)
    number = forms.CharField(label=_("决定书文号 / 许可证书编号"), required=False, max_length=60)
    item = forms.CharField(label=_("许可事项 / 处罚类别"), required=False, max_length=120)
    department = forms.ChoiceField(label=_("决定机关"), required=False)
    decided_from = forms.DateField(
        label=_("决定日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    decided_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部")), *((d.code, str(d)) for d in departments)]

    def clean(self):
        data = super().clean()
        start, end = data.get("decided_from"), data.get("decided_to")
        if start and end and start > end:
            self.add_error("decided_to", _("结束日期不能早于开始日期"))
        return data


class CreditListSearchForm(forms.Form):
    q = forms.CharField(label=_("市场主体名称或统一社会信用代码"), required=False, max_length=120)
    list_kind = forms.ChoiceField(label=_("名单"), required=False, choices=[("", _("全部名单")), *ListKind.choices])
