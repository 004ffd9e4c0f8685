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


def matrix_objects(people, announced) -> dict:
    """The URL matrix's objects (tests/url_matrix.py): a session of 国奥社区's announced project
    taking sign-ups, and a resident's sign-up to it whose cancel code is MATRIXCD."""
    from signups.models import CONSENT_VERSION, SignUp, code_hash

    feast = session(announced, people, capacity=30)
    signup = SignUp.objects.create(
        activity=feast,
        name="张阿姨",
        phone="13900002222",
        cancel_code_hash=code_hash(MATRIX_CODE),
        consent_version=CONSENT_VERSION,
        consented_at=timezone.now(),
    )
    return {"signup_session": feast, "signup": signup}


MATRIX_CODE = "MATRIXCD"
