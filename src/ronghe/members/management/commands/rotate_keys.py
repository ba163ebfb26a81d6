"""`ronghe rotate_keys`: add a new field-encryption key and re-encrypt every member's ID and phone,
every recruitment case's ID and every two-factor seed; with `--algorithm sm4|aes`, move a running
system between AES-256-GCM/HMAC-SHA256 and SM4-GCM/HMAC-SM3 (国密), blind indexes and audit chain
included. Online and resumable: see core.keyrotation."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ronghe.accounts.twofactor import reencrypt_seeds
from ronghe.core import audit, auditkeys, crypto
from ronghe.core.keyrotation import Sealed, remaining, reseal
from ronghe.members.models import Member
from ronghe.members.services import SEALED, reencrypt_members
from ronghe.recruitment.models import RecruitmentCase

CASE_SEALED = (Sealed("id_number_encrypted", "id_number", "id_number_index"),)
ALGORITHM_NAMES = {"aes": "AES-256-GCM / HMAC-SHA256", "sm4": "SM4-GCM / HMAC-SM3（国密）"}


class Command(BaseCommand):
    help = (
        "生成新的字段加密密钥并用它分批重新加密全部党员的身份证号和手机号、发展党员纪实的身份证号以及全部动态口令密钥，"
        "期间系统照常读写。--algorithm sm4 改用国密（SM4-GCM 加密、HMAC-SM3 盲索引和审计哈希链），--algorithm aes 改回。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的行数（默认 500）")
        parser.add_argument(
            "--algorithm",
            choices=sorted(crypto.FAMILIES),
            help="新密钥的算法：sm4（国密 SM4/SM3）或 aes（AES/SHA-256）；不写时沿用当前算法",
        )
        parser.add_argument(
            "--new-mac-key",
            action="store_true",
            help="同时更换盲索引密钥（算法不变时也重建全部盲索引）",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="不生成新密钥，只把尚未使用当前密钥的行重新加密（中断后继续）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 至少为 1")
        if options["resume"] and (options["algorithm"] or options["new_mac_key"]):
            raise CommandError("--resume 不能与 --algorithm、--new-mac-key 同时使用")
        ring = crypto.keyring()
        old, old_mac = ring.active, ring.mac_active
        audit_key = None
        if options["resume"]:
            new, new_mac = old, None
        else:
            family = options["algorithm"] or (ring.family if ring.family != "mixed" else "aes")
            enc_alg, mac_alg = crypto.FAMILIES[family]
            move_mac = options["new_mac_key"] or ring.mac.alg != mac_alg
            try:
                new, new_mac = crypto.rotate(enc_alg, mac_alg if move_mac else None)
            except crypto.KeyringError as exc:
                raise CommandError(str(exc)) from exc
            if auditkeys.keys().active.alg != mac_alg:
                audit_key = auditkeys.add_key(mac_alg)
            self.stdout.write(f"算法：{ALGORITHM_NAMES[family]}")
        ring = crypto.keyring()
        self.stdout.write(f"当前密钥：{new}（原密钥 {old} 保留用于读取旧密文）")
        if ring.mac_previous:
            self.stdout.write(
                f"盲索引密钥：{ring.mac_active}（重建期间查询同时使用 {ring.mac_previous}，不会查不到）"
            )
        batch = options["batch_size"]
        count = cases = 0
        for _ in range(5):  # rows written meanwhile by a process that had not yet re-read the key file
            count += reencrypt_members(batch_size=batch, log=self.stdout.write)
            cases += reseal(RecruitmentCase, CASE_SEALED, batch_size=batch, log=self.stdout.write)
            if not remaining(Member, SEALED) and not remaining(RecruitmentCase, CASE_SEALED):
                break
        else:
            raise CommandError("仍有行使用旧密钥（有进程在持续用旧密钥写入？）：稍后用 --resume 继续")
        seeds = reencrypt_seeds()
        if ring.mac_previous:
            crypto.end_mac_move()
            self.stdout.write(f"盲索引已全部改用 {ring.mac_active}")
        changes: dict[str, object] = {"from_key": old, "to_key": new, "rows": count, "otp_seeds": seeds}
        if cases:
            changes["recruitment_cases"] = cases
        if new_mac:
            changes.update(from_mac_key=old_mac, to_mac_key=new_mac, mac_algorithm=ring.mac.alg)
        if new != old:
            changes["algorithm"] = ring.enc[new].alg
        if audit_key:
            changes["audit_key"] = audit_key
        audit.record("crypto.rotate_keys", object_type="core.keyring", object_id=new, changes=changes)
        self.stdout.write(
            f"完成：重新加密 {count} 名党员的数据、{cases} 份发展党员纪实、{seeds} 个动态口令密钥。"
        )
