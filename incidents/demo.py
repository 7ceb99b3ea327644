"""Demo users, created only when asked (`incidents serve --demo` or `incidents db seed-demo`)."""

from __future__ import annotations

from sqlmodel import Session

from incidents.errors import NotFound
from incidents.people import service as people

DEMO_PASSWORD = "demo-password"
DEMO_USERS = [
    ("manager@demo.example", "山田 部長", "manager", "営業部", None, "ja"),
    ("employee@demo.example", "佐藤 一郎", "employee", "営業部", "manager@demo.example", "ja"),
    ("officer@demo.example", "鈴木 個人情報保護責任者", "officer", "コンプライアンス室", None, "ja"),
    ("admin@demo.example", "Admin", "admin", "情報システム部", None, "en"),
    ("colleague@demo.example", "Jane Smith", "employee", "Support", None, "en"),
]


def seed_demo(session: Session) -> list[str]:
    created = []
    for email, name, role, dept, manager, locale in DEMO_USERS:
        try:
            people.user_by_email(session, email)
            continue
        except NotFound:
            pass
        people.add_user(session, actor=None, email=email, display_name=name, roles=role, department_name=dept,
                        manager_email=manager, password=DEMO_PASSWORD, locale=locale)
        created.append(email)
    return created
