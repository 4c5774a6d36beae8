"""Users (admins only): who has which role on this dashboard, and the commands that change it.

Read-only on purpose: roles are changed with `marac users` on the server, where each change is logged with who made
it; this page lets an admin check the list from the dashboard they are looking at.
"""

from __future__ import annotations

import streamlit as st

from dashboard import access, data
from loaders import roles
from reporting import access_words, numbers, quality_tables
from reporting.markup import escape_markdown

access.require(roles.USERS_PAGE, "Users")

st.title("Users")
st.caption(
    "Who may sign in to this dashboard, and with which role. Roles are changed on the server with `marac users add`, "
    "`marac users remove` and `marac users list` (README: Run it for your partnership); each change is logged with "
    "who made it and when."
)
path = data.db_path()
version = data.version(path)
people = data.users(str(path), version) if version is not None else []
names = access.marac_names()
if not people:
    st.info("Nobody has a role yet.")
else:
    st.dataframe(
        {
            "User": [p.user_id for p in people],
            "Role": [p.role.value for p in people],
            "MARACs": [access_words.maracs_phrase(p.grant, names) if p.maracs else "" for p in people],
            "Added": [p.added_at.strftime("%d %b %Y %H:%M") for p in people],
            "By": [p.added_by for p in people],
        },
        hide_index=True,
        width="stretch",
        placeholder=numbers.DASH,
    )
changes = data.set_up_changes(str(path), version, data.USER_CHANGES) if version is not None else []
if changes:
    st.subheader("Changes")
    st.dataframe(
        quality_tables.set_up_change_table(changes).drop(columns=["What", "File"]),
        hide_index=True,
        width="stretch",
        placeholder=numbers.DASH,
    )
st.subheader("What each role may do")
st.markdown("\n".join(f"- **{role.value}**: {escape_markdown(text)}" for role, text in roles.DESCRIPTIONS.items()))
