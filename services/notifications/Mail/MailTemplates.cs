namespace Hotel.Notifications.Mail;

using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

/// <summary>
/// Liquid templates (Fluid) embedded in the assembly: <c>Mail/Templates/&lt;Kind&gt;.html.liquid</c> and
/// <c>.txt.liquid</c>, the HTML wrapped in <c>layout.html.liquid</c>. In HTML every value is HTML-encoded
/// by the renderer itself (only the layout's <c>body | raw</c> is not), so guest input cannot inject markup.
/// </summary>
public sealed class MailTemplates
{
    // Encodes &lt; &gt; &amp; quotes and the like, but leaves letters of every script as they are (Zoë, not Zo&#xEB;).
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> _cache = new();
    private readonly TemplateOptions _options = new();

    public string RenderHtml(MailKind kind, string subject, string heading, IReadOnlyDictionary<string, string> values)
    {
        var body = Render($"{kind}.html", values, Html, null);
        return Render("layout.html", values, Html, new Dictionary<string, string> { ["body"] = body, ["subject"] = subject, ["heading"] = heading });
    }

    public string RenderText(MailKind kind, IReadOnlyDictionary<string, string> values) =>
        Render($"{kind}.txt", values, NullEncoder.Default, null);

    private string Render(string name, IReadOnlyDictionary<string, string> values, TextEncoder encoder, IReadOnlyDictionary<string, string>? extra)
    {
        var template = _cache.GetOrAdd(name, Load);
        var context = new TemplateContext(_options);
        foreach (var (key, value) in values) context.SetValue(key, value);
        if (extra is not null)
            foreach (var (key, value) in extra) context.SetValue(key, value);
        return template.Render(context, encoder);
    }

    private static IFluidTemplate Load(string name)
    {
        var resource = $"Hotel.Notifications.Mail.Templates.{name}.liquid";
        using var stream = typeof(MailTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The mail template {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        return Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"The mail template {name} does not parse: {error}");
    }
}
