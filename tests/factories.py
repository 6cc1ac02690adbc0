import factory
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Officer
from articles.models import Article, Photo, Section, State


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"栏目{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"第{n}派出所")
    kind = AgencyKind.STATION


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    name = factory.Sequence(lambda n: f"民警{n}")
    agency = factory.SubFactory(AgencyFactory)
    title = "民警"


class ArticleFactory(factory.django.DjangoModelFactory):
    """A live article unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"稿件标题{n}")
    summary = "导语。"
    body = "第一段。\n\n### 小标题\n\n第二段。"
    section = factory.SubFactory(SectionFactory)
    state = State.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    article = factory.SubFactory(ArticleFactory)
    caption = "图片说明"
    credit = "摄影者"
