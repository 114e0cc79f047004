using ProductKeys.Service.Portal;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>Which page a long portal list shows: every item on exactly one page, and a number out of range shows the nearest page.</summary>
public sealed class PageWindowTests
{
    [Theory]
    [InlineData(0, 1, 1, 0, 0, 0, "0 devices")]
    [InlineData(3, 1, 1, 1, 3, 3, "3 device(s)")]
    [InlineData(100, 1, 1, 1, 100, 100, "100 device(s)")]
    [InlineData(101, 2, 2, 101, 101, 1, "Devices 101–101 of 101")]
    [InlineData(250, 2, 2, 101, 200, 100, "Devices 101–200 of 250")]
    [InlineData(250, 9, 3, 201, 250, 50, "Devices 201–250 of 250")]
    [InlineData(250, 0, 1, 1, 100, 100, "Devices 1–100 of 250")]
    [InlineData(250, -7, 1, 1, 100, 100, "Devices 1–100 of 250")]
    public void A_window_names_the_page_shown_and_its_items(int total, int requested, int number, int first, int last, int shown, string said)
    {
        var window = PageWindow.For(total, 100, requested);

        Assert.Equal(number, window.Number);
        Assert.Equal(first, window.First);
        Assert.Equal(last, window.Last);
        Assert.Equal(shown, window.Shown);
        Assert.Equal(said, window.Describe("devices", "device"));
    }

    [Fact]
    public void Every_item_is_on_exactly_one_page()
    {
        foreach (var total in new[] { 0, 1, 99, 100, 101, 999, 1000, 1001 })
        {
            var first = PageWindow.For(total, 100, 1);
            var positions = Enumerable.Range(1, first.Count).Select(n => PageWindow.For(total, 100, n))
                .SelectMany(w => Enumerable.Range(w.Skip + 1, w.Shown)).ToList();
            Assert.Equal(Enumerable.Range(1, total), positions);
        }
    }
}
