"""The public's account pages: register, reset or change a password, my account, my enterprises and their agents.

Forms here only carry what was typed; the services check it and their field errors are put back on the form,
so the page re-renders with everything entered."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from yiwang.core.errors import DomainError, ValidationFailed

from . import selectors, services
from .models import PhoneCode


class RegisterForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150, required=False)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=60, required=False)
    id_number = forms.CharField(label=gettext_lazy("居民身份证号码"), max_length=18, required=False)
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=20, required=False)
    code = forms.CharField(label=gettext_lazy("短信验证码"), max_length=6, required=False)
    password = forms.CharField(
        label=gettext_lazy("密码"), widget=forms.PasswordInput(render_value=True), required=False
    )
    password_again = forms.CharField(
        label=gettext_lazy("确认密码"), widget=forms.PasswordInput(render_value=True), required=False
    )


class ResetForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("注册时的手机号码"), max_length=20, required=False)
    code = forms.CharField(label=gettext_lazy("短信验证码"), max_length=6, required=False)
    password = forms.CharField(
        label=gettext_lazy("新密码"), widget=forms.PasswordInput(render_value=True), required=False
    )
    password_again = forms.CharField(
        label=gettext_lazy("确认新密码"), widget=forms.PasswordInput(render_value=True), required=False
    )


class BindForm(forms.Form):
    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18, required=False)


class GrantForm(forms.Form):
    account = forms.CharField(label=gettext_lazy("经办人账号（用户名或手机号码）"), max_length=150, required=False)
    expires_on = forms.DateField(
        label=gettext_lazy("授权截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _put_back(form: forms.Form, exc: DomainError) -> None:
    if not exc.fields:
        form.add_error(None, exc.message)
    for field, problems in exc.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _phone_key(group, request) -> str:
    return (request.POST.get("phone") or "").strip().replace(" ", "").removeprefix("+86")


def _code_throttled(request) -> bool:
    """Per number and per client address (django-ratelimit, counted in the shared database cache)."""
    rates = settings.SMS_CODE_RATES
    by_phone = is_ratelimited(request, group="sms-code-phone", key=_phone_key, rate=rates["phone"], increment=True)
    by_ip = is_ratelimited(request, group="sms-code-ip", key="ip", rate=rates["ip"], increment=True)
    return by_phone or by_ip


def _send_code(request, form: forms.Form, purpose: str) -> None:
    if _code_throttled(request):
        form.add_error("code", _("获取验证码过于频繁，请稍后再试"))
        return
    try:
        services.phone_code_send(phone=form.cleaned_data["phone"], purpose=purpose)
    except DomainError as exc:
        _put_back(form, exc)
        return
    form.code_sent = True


def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send_code":
            _send_code(request, form, PhoneCode.Purpose.REGISTER)
        else:
            try:
                services.user_register(**form.cleaned_data)
            except DomainError as exc:
                _put_back(form, exc)
            else:
                messages.success(request, _("注册成功，请用新账号登录"))
                return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form})


def password_reset(request):
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send_code":
            _send_code(request, form, PhoneCode.Purpose.RESET)
        else:
            try:
                services.password_reset(**form.cleaned_data)
            except DomainError as exc:
                _put_back(form, exc)
            else:
                messages.success(request, _("密码已重置，请用新密码登录"))
                return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form})


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(actor=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改"))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def account(request, bind_form=None, status=200):
    person = getattr(request.user, "person", None)
    context = {
        "person": person,
        "entities": selectors.my_entities(request.user),
        "bind_form": bind_form or BindForm(),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_POST
def entity_bind(request):
    form = BindForm(request.POST)
    form.is_valid()
    try:
        grant = services.entity_bind(actor=request.user, uscc=form.cleaned_data["uscc"])
    except ValidationFailed as exc:
        _put_back(form, exc)
        return account(request, bind_form=form, status=422)
    messages.success(request, _("已绑定 %(e)s") % {"e": grant.entity.name})
    return redirect("accounts:account")


@login_required
def entity_agents(request, entity_id: int):
    form = GrantForm(request.POST or None)
    form.fields["expires_on"].widget.attrs["min"] = timezone.localdate().isoformat()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.agent_grant(actor=request.user, entity_id=entity_id, **form.cleaned_data)
        except ValidationFailed as exc:
            _put_back(form, exc)
            status = 422
        else:
            messages.success(
                request,
                _("已授权 %(u)s 为经办人，至 %(d)s") % {"u": grant.user, "d": grant.expires_on.isoformat()},
            )
            return redirect("accounts:entity_agents", entity_id=entity_id)
    elif request.method == "POST":
        status = 422
    entity, grants = selectors.managed_entity(request.user, entity_id)
    context = {"entity": entity, "grants": grants, "form": form}
    return render(request, "accounts/entity_agents.html", context, status=status)


@login_required
@require_POST
def agent_revoke(request, entity_id: int, grant_id: int):
    grant = services.agent_revoke(actor=request.user, entity_id=entity_id, grant_id=grant_id)
    messages.success(request, _("已撤销 %(u)s 的经办人授权") % {"u": grant.user})
    return redirect("accounts:entity_agents", entity_id=entity_id)
