"""On PostgreSQL, workers hear new content generations as they commit (LISTEN/NOTIFY)
instead of reading the number on every request."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from articles.caching import bump_generation, generation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def long_recheck(settings):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60


def in_another_worker(work):
    """Run ``work`` on another thread, so on its own connection, and commit it there."""

    raised = []

    def target():
        try:
            with transaction.atomic():
                work()
        except Exception as exc:
            raised.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if raised:
        raise raised[0]


def heard(before, timeout=5.0):
    """The generation, once it has moved past ``before`` (notifications arrive within
    moments of the commit, not with it)."""
    deadline = time.monotonic() + timeout
    while (value := generation()) == before and time.monotonic() < deadline:
        time.sleep(0.005)
    return value


def test_a_commit_elsewhere_is_heard_without_a_query(django_assert_num_queries):
    first = generation()  # read once: from now on this connection listens
    with django_assert_num_queries(0):
        assert generation() == first
    in_another_worker(bump_generation)
    with django_assert_num_queries(0):
        assert heard(first) == first + 1


def test_a_warm_public_page_runs_no_query(client, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_a_rolled_back_change_is_never_heard():
    first = generation()

    def change_then_fail():
        bump_generation()
        raise RuntimeError

    with pytest.raises(RuntimeError):
        in_another_worker(change_then_fail)
    assert heard(first, timeout=0.2) == first


def test_inside_a_transaction_the_generation_is_read(django_assert_num_queries):
    first = generation()
    with transaction.atomic():
        bump_generation()  # this transaction's own change, not announced yet
        with django_assert_num_queries(1):
            assert generation() == first + 1
    assert heard(first) == first + 1


def test_it_is_read_again_after_the_recheck_interval(settings, django_assert_num_queries):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 0.05
    generation()
    time.sleep(0.1)
    with django_assert_num_queries(1):
        generation()


def test_a_lost_connection_is_replaced(django_assert_num_queries):
    first = generation()
    pid = connection.connection.info.backend_pid

    def terminate():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

    in_another_worker(terminate)
    in_another_worker(bump_generation)
    time.sleep(0.1)  # the server has closed the old connection
    assert generation() == first + 1
    assert connection.connection.info.backend_pid != pid
