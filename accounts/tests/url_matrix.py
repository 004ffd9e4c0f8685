"""accounts/ in the URL × persona matrix (tests/url_matrix.py explains the notation)."""

from tests.url_matrix import OTHER_STREET, everyone, logged_in, row, scoped

MATRIX = {
    # Logged in: straight on to the dashboard. An empty login form is refused (422).
    "accounts:login": {"GET": row(302, anon=200), "POST": row(302, anon=422)},
    # Django's LogoutView is POST-only.
    "accounts:logout": {"GET": everyone(405), "POST": everyone(302)},
    # Everyone changes their own password; an empty form is refused.
    "accounts:password_change": {"GET": logged_in(200), "POST": logged_in(422)},
    "accounts:lockouts": {"GET": row(403, secadmins=200)},
    # An empty form goes back to the list with a message.
    "accounts:lockout_release": {"GET": everyone(405), "POST": row(403, secadmins=302)},
    # A list filtered by visible_to: every role that works with people may open it.
    "accounts:people": {
        "GET": row(403, community_staff=200, street_group=200, district_business=200, sysadmins=200)
    },
    # The second factor: nobody in the tests has an app yet, so the code page sends them on to
    # enrolment; enrolling shows a secret to anyone logged in, and an empty code is refused.
    "accounts:totp_verify": {"GET": logged_in(302), "POST": logged_in(302)},
    "accounts:totp_enrol": {"GET": logged_in(200), "POST": logged_in(422)},
    "accounts:totp_devices": {"GET": row(403, secadmins=200)},
    # The security admin resets a lost phone (of 国奥社区's resident here); nobody else may.
    "accounts:totp_reset": {
        "kwargs": "person",
        "GET": everyone(405),
        "POST": row(403, secadmins=302),
    },
    # The full number of 国奥社区's resident: community and district staff in scope reveal; the
    # admins see every person but may not reveal (403); the resident themself: 403.
    "accounts:phone_reveal": {
        "kwargs": "person",
        "GET": everyone(405),
        "POST": scoped(
            403,
            community_staff=200,
            district_business=200,
            sysadmin=403,
            secadmin=403,
            resident=403,
        ),
    },
    # Changes to accounts (三员分立): the three separated roles read them; the system admin
    # proposes (an empty form: 422); the security admin decides. The change in the URL is the
    # system admin's proposal to reset the resident's password: approved at once (the page with
    # the temporary password), but a rejection needs a reason (422). Nobody else: 403.
    "accounts:changes": {"GET": row(403, separated_admins=200)},
    "accounts:change_create": {"GET": row(403, sysadmins=200), "POST": row(403, sysadmins=422)},
    "accounts:change_detail": {"kwargs": "change", "GET": row(403, separated_admins=200)},
    "accounts:change_approve": {
        "kwargs": "change",
        "GET": everyone(405),
        "POST": row(403, secadmins=200),
    },
    "accounts:change_reject": {
        "kwargs": "change",
        "GET": everyone(405),
        "POST": row(403, secadmins=422),
    },
    # The household picker (accounts/households.py): whoever records something for households,
    # over the communities they work in; 国奥花园's steps are a 404 to staff who do not see it.
    "accounts:household_picker": {
        "GET": row(403, community_staff=200, street_group=200, district_business=200)
    },
    "accounts:household_picker@compound": {
        "query": {"pick_compound": "@compound", "pick_q": "3号楼"},
        "GET": row(
            403,
            community_staff=200,
            street_group=200,
            district_business=200,
            secretary_haiyun=404,
            secretary2=404,
            **OTHER_STREET,
        ),
    },
    # Everyone's own switches; an empty post turns e-mail off and goes back to the page.
    "accounts:preferences": {"GET": logged_in(200), "POST": logged_in(302)},
    # The leading group: each street's group goes straight to its own street (302), district
    # staff pick one (200). Street A's page: its group and district staff read it, the other
    # street's 组长 does not see it (404); only street A's 组长 changes it. Empty forms: 422.
    "accounts:leading_group": {"GET": row(403, street_group=302, district_business=200)},
    "accounts:leading_group_street": {
        "kwargs": "street",
        "GET": row(403, street_group=200, district_business=200, **OTHER_STREET),
    },
    "accounts:working_group_create": {
        "kwargs": "street",
        "GET": row(403, street_deciders=200, **OTHER_STREET),
        "POST": row(403, street_deciders=422, **OTHER_STREET),
    },
    "accounts:working_group_edit": {
        "kwargs": "working_group",
        "GET": row(403, street_deciders=200, **OTHER_STREET),
        "POST": row(403, street_deciders=422, **OTHER_STREET),
    },
    "accounts:working_group_delete": {
        "kwargs": "working_group",
        "GET": everyone(405),
        "POST": row(403, street_deciders=302, **OTHER_STREET),
    },
    "accounts:delegation_create": {
        "kwargs": "street",
        "GET": row(403, street_deciders=200, **OTHER_STREET),
        "POST": row(403, street_deciders=422, **OTHER_STREET),
    },
    # The delegation in the URL begins in two months: its 组长 may still cancel it.
    "accounts:delegation_revoke": {
        "kwargs": "delegation",
        "GET": everyone(405),
        "POST": row(403, street_deciders=302, **OTHER_STREET),
    },
}
