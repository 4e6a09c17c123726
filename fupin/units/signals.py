"""Signals other apps listen to when the unit tree changes, so that `units` never imports them.

Sent by units.services, inside the service's transaction:
- `unit_merging.send(sender=Unit, source=u, target=t, by=user, reason=text)` before the source is retired; a
  receiver moves its own data from source to target (reporting: the reports) or refuses by raising UserError.
A move needs no signal of its own: insights watches Unit's saves and moves the subtree's figures (Unit.save
re-paths the subtree after post_save).
"""

from django.dispatch import Signal

unit_merging = Signal()
