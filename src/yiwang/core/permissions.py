"""Permission filtering at query time: `restrict(queryset, actor, action)`.

A model says where its rows sit with two class attributes:
  scope_region = "department__region"   # lookup to a Region ("" when the model is Region itself)
  scope_department = "department"       # lookup to a Department, a tuple of them (any one matching is
                                        # enough), or None when rows belong to no department
A staff role grants an action over a region subtree; for roles that act for one department, only that
department's rows. Everything else is filtered out, so a list or a fetch can never show another district's
or department's rows; callers turn an empty fetch into the same 404 as a missing row.
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from .errors import NotFound

# action -> {role: "region" (the whole subtree) | "department" (only the role's department in the subtree)}
ACTION_ROLES: dict[str, dict[str, str]] = {
    "view": {
        "clerk": "region",
        "reviewer": "department",
        "supervisor": "region",
        "inspector": "department",
        "admin": "region",
        "head": "department",
        "gov_head": "region",
    },
    "change": {"admin": "region"},
    "accept": {"clerk": "region", "reviewer": "department"},
    # A window clerk registers a walk-in, takes in their application and paper materials on their behalf, works
    # the hall's queue, and scans uploads outside the per-person daily quota (they go straight into a case).
    "window_intake": {"clerk": "region"},
    "review": {"reviewer": "department"},
    "supervise": {"supervisor": "region"},
    "inspect": {"inspector": "department"},
    # The organ head's confirmation of an extension or a suspension: the department's 负责人 (and, until the
    # demo's administrators no longer stand in for them, its administrator).
    "approve": {"head": "department", "admin": "department"},
    # 第四十二条第二款: extending joint handling (统一/联合/集中办理) is approved by 本级人民政府负责人, not by a
    # department's head.
    "approve_joint_extension": {"gov_head": "region"},
    # Acts on the case as a whole during review, which the lead department answers for (第二十六条: one organ
    # accepts and delivers for all): corrections, extensions, suspensions and resuming the clock.
    "request_correction": {"reviewer": "department"},
    "request_extension": {"reviewer": "department"},
    "request_suspension": {"reviewer": "department"},
    "resume": {"reviewer": "department"},
    # 审批: the lead department's 负责人 decides on the reviewer's proposal (审核意见).
    "decide": {"head": "department"},
    # Handing a decided case's result over (送达): the general window's clerks, or the lead department's staff.
    "deliver": {"clerk": "region", "reviewer": "department", "admin": "department"},
    # 网上预约 at a hall: see the day's bookings and turn a booking code into a ticket at the window.
    "appointments": {"clerk": "region", "admin": "region"},
    # Open, close and add bookable slots, and generate them from the weekly timetable: the hall's administrator.
    "appointment_slots": {"admin": "region"},
    # Revoke a compromised seal key: the platform's act (its superusers), not a department's or a region's.
    "seal_revoke": {},
    # Maintaining the catalog (items, versions, forms, Excel import): the administrators.
    "catalog_maintain": {"admin": "region"},
    # 12345: the centre's operators take calls, answer 咨询 on the spot, dispatch, re-dispatch, approve returns
    # and extensions, call back and close, over their region's work orders.
    "hotline_operate": {"operator": "region"},
    # A department's own work orders: sign for (签收), return (退单), ask for more time, answer.
    "hotline_handle": {"liaison": "department"},
    # 督办 on a work order at risk or late: the centre, and 效能监察; the department answers with hotline_handle.
    "hotline_supervise": {"operator": "region", "supervisor": "region"},
    # Who may see a work order: the centre, the departments it was sent to, and 效能监察.
    "hotline_view": {"operator": "region", "liaison": "department", "supervisor": "region"},
    # The grid: a 网格员's cells, their inspection reports and their 上门代办 for residents.
    "grid_work": {"grid_worker": "region"},
    # 效能: the efficiency indicators and their dashboards. A region's leaders, 效能监察 and administrators read
    # their subtree; a department's 负责人 reads their own department's.
    "insights_view": {"gov_head": "region", "supervisor": "region", "admin": "region", "head": "department"},
    # Recomputing the figures of a range of days from the cases: the platform's operators (its superusers).
    "insights_recompute": {},
    # 第三方评估: an evaluator scores the rounds of their region they are assigned to (the selectors narrow the
    # region's rounds to those), and reads what those rounds cover; a region's administrators and its government's
    # 负责人 set rounds up, open and close them.
    "evaluate": {"evaluator": "region"},
    "evaluation_manage": {"admin": "region", "gov_head": "region"},
    # The grid's map and its cells: the centre, 效能监察 and the grid workers.
    "grid_view": {"operator": "region", "supervisor": "region", "grid_worker": "region", "admin": "region"},
}
# Actions only the row's own department may take, not the departments it reaches through a to-many path
# (a case's assisting departments review it, but only its lead department hands its result over).
OWN_DEPARTMENT_ONLY = frozenset({"deliver", "request_correction", "request_extension", "request_suspension", "resume"})


# Who holds which role is the org app's data; core must not import a domain app, so org registers its reader
# (OrgConfig.ready). It returns the user's active roles, each with .role, .department_id and .region (with .path).
_role_lookup: Callable[[object], list] | None = None


def register_role_lookup(lookup: Callable[[object], list]) -> None:
    global _role_lookup
    _role_lookup = lookup


def staff_roles(actor) -> list:
    """The actor's roles, read once per user object: a request's user, or the actor a service was handed."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    cached = getattr(actor, "_yiwang_roles", None)
    if cached is None:
        if _role_lookup is None:
            raise RuntimeError("no role lookup registered (the org app is not installed)")
        cached = list(_role_lookup(actor))
        actor._yiwang_roles = cached
    return cached


def _lookup(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def restrict(queryset: QuerySet, actor, action: str = "view") -> QuerySet:
    if action not in ACTION_ROLES:
        raise ValueError(f"unknown action {action!r}")
    if actor is not None and getattr(actor, "is_superuser", False) and actor.is_active:
        return queryset
    model = queryset.model
    region_path = getattr(model, "scope_region", None)
    if region_path is None:
        raise TypeError(f"{model.__name__} declares no scope_region; it cannot be restricted")
    department_paths = getattr(model, "scope_department", None)
    if isinstance(department_paths, str):
        department_paths = (department_paths,)
    if department_paths and action in OWN_DEPARTMENT_ONLY:
        department_paths = department_paths[:1]
    allowed = ACTION_ROLES[action]
    condition = Q(pk__in=[])
    to_many = False
    for role in staff_roles(actor):
        reach = allowed.get(role.role)
        if reach is None:
            continue
        clause = Q(**{_lookup(region_path, "path__startswith"): role.region.path})
        if reach == "department" and department_paths:
            any_department = Q(pk__in=[])
            for path in department_paths:
                any_department |= Q(**{_lookup(path, "pk"): role.department_id})
                to_many = to_many or _crosses_to_many(model, path)
            clause &= any_department
        condition |= clause
    if to_many:
        # A path through a to-many relation (a case's tasks) would repeat rows; a subquery keeps one each. Only a
        # department's reach takes such a path: a region-wide one (the 12345 centre over a million orders) filters
        # the rows themselves, which the planner serves from their own indexes.
        return queryset.filter(pk__in=model._base_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def restrict_region_wide(queryset: QuerySet, actor, action: str) -> QuerySet:
    """restrict(), counting only the roles that hold the action over a whole region subtree, not those that hold it
    for one department: what a district-wide figure (a report summing every department) may be shown to."""
    if action not in ACTION_ROLES:
        raise ValueError(f"unknown action {action!r}")
    if actor is not None and getattr(actor, "is_superuser", False) and actor.is_active:
        return queryset
    region_path = getattr(queryset.model, "scope_region", None)
    if region_path is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope_region; it cannot be restricted")
    allowed = ACTION_ROLES[action]
    condition = Q(pk__in=[])
    for role in staff_roles(actor):
        if allowed.get(role.role) == "region":
            condition |= Q(**{_lookup(region_path, "path__startswith"): role.region.path})
    return queryset.filter(condition)


def _crosses_to_many(model, path: str) -> bool:
    for name in path.split("__"):
        if not name:
            return False
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


def can_do(actor, action: str) -> bool:
    """May the actor do this anywhere at all: what a menu or a landing page offers."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser and actor.is_active:
        return True
    allowed = ACTION_ROLES[action]
    return any(role.role in allowed for role in staff_roles(actor))


def _attribute(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


def allows(actor, action: str, obj) -> bool:
    """restrict() decided in Python for one row already in hand (its scope_region path loaded, e.g. by a
    select_related of the lock that fetched it), with the actor's roles read once: no query, except a to-many
    department path (a case's assisting departments) read only when the row's own department does not decide it.
    Same answers as `restrict(type(obj).objects.filter(pk=obj.pk), actor, action).exists()`."""
    if action not in ACTION_ROLES:
        raise ValueError(f"unknown action {action!r}")
    if actor is not None and getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    model = type(obj)
    region_path = getattr(model, "scope_region", None)
    if region_path is None:
        raise TypeError(f"{model.__name__} declares no scope_region; it cannot be restricted")
    department_paths = getattr(model, "scope_department", None)
    if isinstance(department_paths, str):
        department_paths = (department_paths,)  # "" is the row itself (a department)
    department_paths = tuple(department_paths or ())
    if department_paths and action in OWN_DEPARTMENT_ONLY:
        department_paths = department_paths[:1]
    allowed = ACTION_ROLES[action]
    roles = [r for r in staff_roles(actor) if r.role in allowed]
    if not roles:
        return False
    region = obj if region_path == "" else _attribute(obj, region_path)
    roles = [r for r in roles if region.path.startswith(r.region.path)]
    if any(allowed[r.role] == "region" or not department_paths for r in roles):
        return bool(roles)
    wanted = {r.department_id for r in roles}
    for path in department_paths:
        if _crosses_to_many(model, path):
            found = model._base_manager.filter(pk=obj.pk).values_list(_lookup(path, "pk"), flat=True)
            if wanted & set(found):
                return True
        elif path == "":
            if obj.pk in wanted:
                return True
        else:
            holder, _sep, field = path.rpartition("__")
            if getattr(_attribute(obj, holder) if holder else obj, f"{field}_id") in wanted:
                return True
    return False


def require(actor, action: str, obj) -> None:
    """allows(), or the same NotFound as a missing row."""
    if not allows(actor, action, obj):
        raise NotFound()


def can(actor, action: str, obj) -> bool:
    return restrict(type(obj).objects.filter(pk=obj.pk), actor, action).exists()


def get_restricted(queryset: QuerySet, actor, action: str = "view", **lookup):
    """Fetch one row the actor may see; missing and forbidden are the same NotFound."""
    try:
        return restrict(queryset, actor, action).get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound() from None
