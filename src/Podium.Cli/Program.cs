using Podium.Cli;

return PodiumCommand.Run(args, Console.Out, Console.Error);
