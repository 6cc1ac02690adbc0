"""``in`` on an integer column matches nothing for a value the column cannot hold: a number
out of its range (as Django's own ``exact``, ``gt`` and ``lt`` already do for a number) or
text that is no number (where ``exact`` raises). The admin's autocomplete widget,
redisplaying a form posted with ``abc`` or ``99999999999999999999`` as an id, looks the
value up with ``in``; without this the answer is the driver's error (ValueError, SQLite's
OverflowError, PostgreSQL's DataError) and a server error page instead of the form's "not
a valid choice". Relations (``author__in``) are Django's own ``RelatedIn``, unchanged."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def get_prep_lookup(self):
        if self.rhs_is_direct_value():
            self.rhs = [value for value in self.rhs if _is_integer(value)]
        return super().get_prep_lookup()

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def _is_integer(value):
    if value is None or hasattr(value, "resolve_expression"):
        return True
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True
