"""The public side of Khronika: what may be published, the static archive,
the exports and the dossier.

- `public.PublicArchive`: the one gate every public output reads through
  (confirmed events of persons not marked "do not publish", public fields);
- `site.publish_site`: `khronika publish`, the static website;
- `exports`: `khronika export` as JSON, CSV, FollowTheMoney, TimelineJS;
- `dossier`: `khronika dossier`, one person's sourced record as HTML or PDF.

See docs/publish.md.
"""
from khronika.publish.public import PublicArchive, PublicFact, PublicPerson, PublicSource

__all__ = ["PublicArchive", "PublicFact", "PublicPerson", "PublicSource"]
