using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;

if (args is [FunctionMetadata.WriteCommand, var appRoot])
{
    foreach (var path in FunctionMetadata.Write(appRoot, FunctionCatalog.All))
    {
        Console.WriteLine(path);
    }

    return 0;
}

await HandlerApp.Build(args).RunAsync();
return 0;

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
