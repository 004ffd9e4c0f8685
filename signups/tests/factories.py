import datetime

from django.utils import timezone

from projects.models import Activity, Status
from tests import factories as f


def announced_project(org, people, **kwargs):
    project = f.ProjectFactory(
        community=kwargs.pop("community", org.guoao),
        created_by=people.secretary,
        ready=True,
        status=kwargs.pop("status", Status.ANNOUNCED),
        **kwargs,
    )
    project.announcement = "每月一次百家宴,邻居们各带一道菜。"
    project.announced_at = timezone.now()
    project.save(update_fields=["announcement", "announced_at"])
    return project


def session(project, people, *, capacity=2, days=14, **kwargs) -> Activity:
    """A scheduled session `days` from today taking `capacity` sign-ups."""
    return Activity.objects.create(
        project=project,
        title=kwargs.pop("title", "百家宴"),
        date=timezone.localdate() + datetime.timedelta(days=days),
        starts_at=kwargs.pop("starts_at", datetime.time(11, 0)),
        place=kwargs.pop("place", "社区广场"),
        signup_capacity=capacity,
        status=kwargs.pop("status", Activity.Status.SCHEDULED),
        created_by=people.secretary,
        **kwargs,
    )


def signed_up(activity, *, name="张阿姨", phone="13900002222", code=None):
    """A resident's confirmed sign-up written directly (no service), with a known cancel code."""
    from signups.models import CONSENT_VERSION, SignUp, code_hash, new_cancel_code

    return SignUp.objects.create(
        activity=activity,
        name=name,
        phone=phone,
        cancel_code_hash=code_hash(code or new_cancel_code()),
        consent_version=CONSENT_VERSION,
        consented_at=timezone.now(),
    )


def matrix_objects(people, announced) -> dict:
    """The URL matrix's objects (tests/url_matrix.py): a session of 国奥社区's announced project
    taking sign-ups in two weeks, with a resident's sign-up whose cancel code is MATRIXCD; and
    one held today, whose sign-up staff mark (attendance opens on the session's day) and whose
    phone they reveal."""
    feast = session(announced, people, capacity=30)
    signed_up(feast, name="李阿姨", phone="13900002223", code=MATRIX_CODE)
    today = session(announced, people, capacity=30, days=0, title="今天的百家宴")
    return {"signup_session": feast, "signup": signed_up(today)}


MATRIX_CODE = "MATRIXCD"
