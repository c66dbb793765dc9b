from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from yiwang.accounts.models import ApiToken, User
from yiwang.accounts.tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, token_create, token_revoke
from yiwang.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "接口令牌：yiwang token create 用户名 --name 用途 [--scope read --scope apply|review] [--days 90]"
        "（令牌只显示这一次）；yiwang token revoke 前缀"
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="为用户创建令牌")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="令牌用途，如“申报系统对接”")
        scopes = "；".join(f"{value}：{label}" for value, label in ApiToken.Scope.choices)
        create.add_argument(
            "--scope",
            action="append",
            choices=ApiToken.Scope.values,
            dest="scopes",
            help=f"权限范围，可重复（{scopes}）；缺省为查询，加上工作人员的审批办理或群众的申报",
        )
        create.add_argument(
            "--days",
            type=int,
            default=DEFAULT_LIFETIME_DAYS,
            help=f"有效天数，缺省 {DEFAULT_LIFETIME_DAYS}，最长 {MAX_LIFETIME_DAYS}",
        )
        revoke = verbs.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix")

    def handle(self, *args, verb, **options):
        try:
            if verb == "create":
                self._create(options["username"], options["name"], options["scopes"], options["days"])
            else:
                token = token_revoke(actor=None, prefix=options["prefix"])
                self.stdout.write(
                    self.style.SUCCESS(f"已吊销令牌 {token.prefix}（{token.user.username}：{token.name}）")
                )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}".strip()) from None

    def _create(self, username: str, name: str, scopes: list[str] | None, days: int) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}")
        token, secret = token_create(actor=None, user=user, name=name, scopes=scopes, days=days)
        self.stderr.write(
            f"令牌 {token.prefix}（{user.username}：{token.name}；权限范围 {'、'.join(token.scopes)}；"
            f"有效至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}）已创建。请立即保存，此后无法再次查看："
        )
        self.stdout.write(secret)
