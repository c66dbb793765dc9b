"""责任清单: what a department answers for in exercising each kind of power, beside the power list the catalog
already is (权力清单: the items, their legal basis and level).

《中共中央办公厅 国务院办公厅印发〈关于推行地方各级政府工作部门权力清单制度的指导意见〉的通知》（中办发〔2015〕21号）
asks each department to list, for every power, the duties that go with it (责任事项) and the grounds on which it is
held to account (追责情形). They follow the steps of the procedure the law sets for that kind of act, so they are
kept here by ServiceItem.Kind rather than typed again for every item.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yiwang.catalog.models import ServiceItem

Kind = ServiceItem.Kind


@dataclass(frozen=True)
class Duties:
    # (责任事项, what it requires), in the order of the procedure.
    steps: tuple[tuple[Promise, Promise], ...]
    # 追责情形 and the law that sets them.
    accountability: Promise


_ACCEPT = (
    _("受理责任"),
    _("公示应当提交的材料，一次性告知需要补正的全部内容；依法受理或者不予受理，不予受理的说明理由。"),
)
_DELIVER = (_("送达责任"), _("制作并依法送达决定书或者证照，按规定公开办理结果。"))
_OTHER = (_("其他责任"), _("法律、法规、规章规定应当履行的其他责任。"))
_GENERAL_ACCOUNTABILITY = _(
    "不履行或者不正确履行上述职责，不依法受理、无正当理由逾期办理、违法作出决定、索取或者收受财物的，依照"
    "《中华人民共和国公职人员政务处分法》等规定追究责任。"
)

DUTIES: dict[str, Duties] = {
    Kind.LICENSING: Duties(
        steps=(
            _ACCEPT,
            (_("审查责任"), _("对申请材料进行审查，需要核查实质内容的指派两名以上工作人员核查，提出审查意见。")),
            (
                _("决定责任"),
                _(
                    "在法定期限内作出准予或者不予行政许可的决定；不予许可的说明理由，并告知申请行政复议或者提起行政诉讼的权利。"
                ),
            ),
            (
                _("送达责任"),
                _("自作出决定之日起十个工作日内颁发、送达许可证件，并自决定之日起七个工作日内公示许可信息。"),
            ),
            (_("事后监管责任"), _("对被许可人从事行政许可事项的活动实施监督检查，发现违法行为依法处理。")),
            _OTHER,
        ),
        accountability=_(
            "对符合法定条件的申请不予受理、未一次告知补正内容、未说明不予许可理由、对不符合法定条件的申请人准予许可、"
            "超越职权作出决定、索取或者收受财物、不依法履行监督职责的，依照《中华人民共和国行政许可法》第七十二条至"
            "第七十七条追究责任。"
        ),
    ),
    Kind.CONFIRMATION: Duties(
        steps=(
            _ACCEPT,
            (_("审查责任"), _("审查申请材料和有关事实，必要时实地核实。")),
            (_("确认责任"), _("在承诺时限内作出确认或者不予确认的决定，不予确认的说明理由。")),
            _DELIVER,
            (_("事后监管责任"), _("对确认事项的真实性和后续变化进行监督，发现错误及时纠正。")),
            _OTHER,
        ),
        accountability=_GENERAL_ACCOUNTABILITY,
    ),
    Kind.BENEFIT: Duties(
        steps=(
            _ACCEPT,
            (_("审核责任"), _("审核申请人的条件，调查核实家庭经济状况等情况。")),
            (_("公示责任"), _("按规定公示拟给付对象，听取意见。")),
            (_("决定责任"), _("作出给付或者不予给付的决定，不予给付的说明理由。")),
            (_("给付责任"), _("按时足额发放，不得截留、挪用。")),
            (_("事后监管责任"), _("定期复核给付对象的条件，停发不再符合条件的给付。")),
            _OTHER,
        ),
        accountability=_GENERAL_ACCOUNTABILITY,
    ),
    Kind.FILING: Duties(
        steps=(
            (_("备案责任"), _("公示备案所需材料，材料齐全的当场或者在承诺时限内予以备案，不得以备案之名变相许可。")),
            (_("公开责任"), _("按规定公开备案信息。")),
            (_("事后监管责任"), _("对备案事项实施事中事后监管，发现违法行为依法处理。")),
            _OTHER,
        ),
        accountability=_GENERAL_ACCOUNTABILITY,
    ),
    Kind.PUBLIC_SERVICE: Duties(
        steps=(
            _ACCEPT,
            (_("办理责任"), _("按照办事指南的标准和时限办理，能即办的当场办结。")),
            (_("告知责任"), _("告知办理结果，接受服务评价（好差评），对差评及时整改。")),
            _OTHER,
        ),
        accountability=_GENERAL_ACCOUNTABILITY,
    ),
    Kind.OTHER: Duties(
        steps=(
            _ACCEPT,
            (_("审查责任"), _("依法审查申请材料和有关事实。")),
            (_("决定责任"), _("在承诺时限内依法作出决定，不予办理的说明理由。")),
            _DELIVER,
            (_("事后监管责任"), _("对办理结果实施监督管理。")),
            _OTHER,
        ),
        accountability=_GENERAL_ACCOUNTABILITY,
    ),
}
