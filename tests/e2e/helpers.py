"""Driving the admin in the browser as the newsroom's people."""

PASSWORD = "e2e-password-Quk7"


def login(new_page, live_server, username):
    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def act(page, action, comment=""):
    if comment:
        page.fill("#workflow-comment", comment)
    page.click(f"#workflow button[value={action}]")
    page.wait_for_load_state()
    assert page.locator(".messagelist .error").count() == 0, page.inner_text(".messagelist")


def start_story(page, live_server, title, body, section="要闻"):
    """Fill in a new story's form (not yet saved)."""
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", title)
    page.select_option("#id_section", label=section)
    page.fill("#id_body", body)
