"""Links to the same page (the pager's, the report exports'): a query parameter named as
a part of the path is the path's, never given to url_for twice (a 500)."""

from web.paging import page_url, this_page_url


def test_the_pager_of_a_page_whose_query_repeats_a_path_name_links_the_path(app):
    with app.test_request_context("/laporan/orang/prakom?username=x&angka=tugas&halaman=2"
                                  "&status=a&status=b"):
        assert page_url(3) == "/laporan/orang/prakom?angka=tugas&status=a&status=b&halaman=3"
        assert this_page_url(("angka",), format="csv") == (
            "/laporan/orang/prakom?halaman=2&status=a&status=b&format=csv")
