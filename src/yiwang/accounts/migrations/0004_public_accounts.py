"""Public accounts: identity levels, SMS one-time codes, agent grants with an expiry (the agents
many-to-many gets a through model; existing pairs are copied over as grants without expiry), and the
database cache table that rate limits share across web workers."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models


def copy_agents(apps, schema_editor):
    Entity = apps.get_model("accounts", "Entity")
    EntityAgent = apps.get_model("accounts", "EntityAgent")
    old = Entity.agents.through.objects.using(schema_editor.connection.alias)
    EntityAgent.objects.using(schema_editor.connection.alias).bulk_create(
        [EntityAgent(entity_id=row.entity_id, user_id=row.user_id) for row in old.all()]
    )


def copy_agents_back(apps, schema_editor):
    Entity = apps.get_model("accounts", "Entity")
    EntityAgent = apps.get_model("accounts", "EntityAgent")
    Entity.agents.through.objects.using(schema_editor.connection.alias).bulk_create(
        [
            Entity.agents.through(entity_id=g.entity_id, user_id=g.user_id)
            for g in EntityAgent.objects.using(schema_editor.connection.alias).all()
        ]
    )


def create_cache_table(apps, schema_editor):
    # Does nothing when the cache is not a database cache or its table exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_apitoken'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='identity_level',
            field=models.PositiveSmallIntegerField(choices=[(0, '未实名'), (1, '一级：注册并验证手机'), (2, '二级：窗口实名核验'), (3, '三级：现场或电子证照核验')], default=0, verbose_name='实名等级'),
        ),
        migrations.AddField(
            model_name='entity',
            name='legal_representative_id_number',
            field=models.CharField(blank=True, max_length=18, verbose_name='法定代表人身份证号码'),
        ),
        migrations.CreateModel(
            name='PhoneCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone', models.CharField(max_length=20, verbose_name='手机号码')),
                ('purpose', models.CharField(choices=[('register', '注册'), ('reset', '找回密码')], max_length=10, verbose_name='用途')),
                ('code_hash', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='发送时间')),
                ('expires_at', models.DateTimeField(verbose_name='失效时间')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='错误次数')),
                ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='使用时间')),
            ],
            options={
                'verbose_name': '短信验证码',
                'verbose_name_plural': '短信验证码',
                'indexes': [models.Index(fields=['phone', 'purpose', '-created_at'], name='accounts_ph_phone_0f4ac8_idx')],
            },
        ),
        migrations.CreateModel(
            name='EntityAgent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('expires_on', models.DateField(blank=True, null=True, verbose_name='授权截止日期')),
                ('granted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='授权时间')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='撤销时间')),
                ('entity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agent_grants', to='accounts.entity', verbose_name='主体')),
                ('granted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='授权人')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agent_grants', to=settings.AUTH_USER_MODEL, verbose_name='经办人')),
            ],
            options={
                'verbose_name': '经办人授权',
                'verbose_name_plural': '经办人授权',
                'constraints': [models.UniqueConstraint(fields=('entity', 'user'), name='entity_agent_once')],
            },
        ),
        migrations.RunPython(copy_agents, copy_agents_back),
        migrations.RemoveField(
            model_name='entity',
            name='agents',
        ),
        migrations.AddField(
            model_name='entity',
            name='agents',
            field=models.ManyToManyField(blank=True, related_name='entities', through='accounts.EntityAgent', through_fields=('entity', 'user'), to=settings.AUTH_USER_MODEL, verbose_name='经办人'),
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
