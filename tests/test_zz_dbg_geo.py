from tests.test_geography import *  # noqa
def test_dbg(geo):
    p = geo.by_code("E06000001")
    print(p.period, p.period.status(day("2017-01-16")))
    assert 0
