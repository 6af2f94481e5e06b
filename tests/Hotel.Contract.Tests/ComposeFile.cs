using Hotel.Testing;
using YamlDotNet.RepresentationModel;

namespace Hotel.Contract.Tests;

/// <summary>docker-compose.yml, parsed.</summary>
public sealed class ComposeFile
{
    private readonly YamlMappingNode _services;

    public ComposeFile(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        _services = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["services"];
    }

    public static ComposeFile Load() => new(Repository.Read("docker-compose.yml"));

    public IEnumerable<string> ServiceNames => _services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    public YamlMappingNode Service(string name) => (YamlMappingNode)_services[name];

    /// <summary>The service built from <paramref name="dockerfile"/> (path relative to the repository root), if any.</summary>
    public string? ServiceBuiltFrom(string dockerfile) => ServiceNames.FirstOrDefault(name =>
        Service(name).Children.TryGetValue("build", out var build) && build is YamlMappingNode b
        && b.Children.TryGetValue("dockerfile", out var file) && ((YamlScalarNode)file).Value == dockerfile.Replace('\\', '/'));

    /// <summary>Published ports as (host address, host port, container port); the address is null when the port binds every interface.</summary>
    public IEnumerable<(string? HostIp, int Host, int Container)> Ports(string service) =>
        Service(service).Children.TryGetValue("ports", out var ports)
            ? ((YamlSequenceNode)ports).Select(p => ((YamlScalarNode)p).Value!.Split(':'))
                .Select(p => p.Length == 3 ? (p[0], int.Parse(p[1]), int.Parse(p[2])) : ((string?)null, int.Parse(p[0]), int.Parse(p[1])))
            : [];

    public string? Image(string service) => Service(service).Children.TryGetValue("image", out var image) ? ((YamlScalarNode)image).Value : null;

    public IReadOnlyDictionary<string, string> Environment(string service)
    {
        var result = new Dictionary<string, string>();
        if (!Service(service).Children.TryGetValue("environment", out var env)) return result;
        foreach (var (key, value) in ((YamlMappingNode)env).Children)
        {
            if (((YamlScalarNode)key).Value == "<<" && value is YamlMappingNode merged)
                foreach (var (k, v) in merged.Children) result.TryAdd(((YamlScalarNode)k).Value!, ((YamlScalarNode)v).Value!);
            else result[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value!;
        }
        return result;
    }
}
