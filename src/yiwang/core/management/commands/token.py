from django.core.management import BaseCommand, CommandError

from yiwang.accounts.models import User
from yiwang.accounts.tokens import token_create, token_revoke
from yiwang.core.errors import DomainError


class Command(BaseCommand):
    help = "接口令牌：yiwang token create 用户名 --name 用途（令牌只显示这一次）；yiwang token revoke 前缀"

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="为用户创建令牌")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="令牌用途，如“申报系统对接”")
        revoke = verbs.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix")

    def handle(self, *args, verb, **options):
        try:
            if verb == "create":
                self._create(options["username"], options["name"])
            else:
                token = token_revoke(actor=None, prefix=options["prefix"])
                self.stdout.write(
                    self.style.SUCCESS(f"已吊销令牌 {token.prefix}（{token.user.username}：{token.name}）")
                )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}".strip()) from None

    def _create(self, username: str, name: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}")
        token, secret = token_create(actor=None, user=user, name=name)
        self.stderr.write(f"令牌 {token.prefix}（{user.username}：{token.name}）已创建。请立即保存，此后无法再次查看：")
        self.stdout.write(secret)
