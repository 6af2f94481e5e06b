namespace Hotel.CustomerCare.Pages;

using Hotel.CustomerCare.Rebuild;
using Hotel.CustomerCare.View;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

public sealed class IndexModel(ViewQueries view, ViewConsumer consumer) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public IReadOnlyList<GuestSummary> Results { get; private set; } = [];
    public Freshness Freshness { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Query is { Length: > 200 }) Query = Query[..200];
        Results = await view.SearchAsync(Query, ct);
        Freshness = await view.FreshnessAsync(consumer.Lag(), consumer.CurrentGroupId, ct);
    }
}
