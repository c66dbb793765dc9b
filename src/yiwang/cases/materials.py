"""How each material of an item reaches a case for one applicant: drawn from an e-licence they hold, drawn from
shared data, or handed in. The submission, the window's intake and its correction notice all ask this one place.
"""

from dataclasses import dataclass

from yiwang.catalog.models import MaterialSpec

# 容缺受理: a deferred material is due this many working days after acceptance, the span local 容缺受理 rules
# commonly set for the applicant's written promise to supply it.
DEFERRED_MATERIAL_DAYS = 5


@dataclass(frozen=True)
class MaterialSource:
    spec: MaterialSpec
    # The valid e-licence drawn in for this material, when the applicant holds one.
    licence: object = None
    # Why a licence on record for the applicant cannot serve (expired, revoked …): the material is refused.
    refusal: str = ""

    @property
    def drawn(self) -> bool:
        """免提交 for this applicant: an e-licence they hold, or shared data the platform reads itself."""
        return self.licence is not None or self.spec.is_exempt

    @property
    def to_hand_in(self) -> bool:
        return not self.drawn and not self.refusal


def material_sources(version, *, person=None, entity=None) -> list[MaterialSource]:
    """Each material of the version, in order, and how it reaches a case of this applicant.

    A licence-sourced material the applicant holds no e-licence for (issued before the store existed, or in
    another province) is handed in like any other: nothing on record, nothing to draw.
    """
    from yiwang.catalog.selectors import version_materials
    from yiwang.licences.selectors import licence_standing  # licences' models point at cases

    holder = {"entity": entity} if entity is not None else {"person": person}
    sources = []
    for spec in version_materials(version):
        if not spec.from_licence:
            sources.append(MaterialSource(spec=spec))
            continue
        licence, reason, held = licence_standing(licence_type=spec.licence_type, **holder)
        if licence is None and held:
            sources.append(MaterialSource(spec=spec, refusal=reason))
        else:
            sources.append(MaterialSource(spec=spec, licence=licence))
    return sources
