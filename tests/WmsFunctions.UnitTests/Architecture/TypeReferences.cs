using System.Reflection;
using System.Reflection.Emit;

namespace WmsFunctions.UnitTests.Architecture;

/// <summary>
/// Which of an assembly's own types each of its types uses: base types, interfaces, attributes, fields, properties,
/// signatures, locals and every type, method and field token in the IL of method bodies (so a fully qualified name or
/// a `global::` reference counts as much as a using directive). Compiler-generated nested types count for the type
/// that declares them.
/// </summary>
public static class TypeReferences
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly OpCode[] OneByte = new OpCode[0x100];
    private static readonly OpCode[] TwoByte = new OpCode[0x100];

    static TypeReferences()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (value < 0x100)
            {
                OneByte[value] = code;
            }
            else if ((value & 0xff00) == 0xfe00)
            {
                TwoByte[value & 0xff] = code;
            }
        }
    }

    /// <summary>(from, to) pairs of outermost types of <paramref name="assembly"/>, each pair once.</summary>
    public static IReadOnlySet<(Type From, Type To)> Of(Assembly assembly)
    {
        var pairs = new HashSet<(Type, Type)>();
        foreach (var type in assembly.GetTypes())
        {
            var from = Outermost(type);
            void Use(Type? used) => Collect(pairs, assembly, from, used);

            Use(type.BaseType);
            foreach (var item in type.GetInterfaces())
            {
                Use(item);
            }

            foreach (var attribute in type.CustomAttributes)
            {
                Use(attribute.AttributeType);
            }

            foreach (var field in type.GetFields(Declared))
            {
                Use(field.FieldType);
            }

            foreach (var property in type.GetProperties(Declared))
            {
                Use(property.PropertyType);
            }

            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                if (method is MethodInfo info)
                {
                    Use(info.ReturnType);
                }

                foreach (var parameter in method.GetParameters())
                {
                    Use(parameter.ParameterType);
                }

                foreach (var used in BodyReferences(type, method))
                {
                    Use(used);
                }
            }
        }

        return pairs;
    }

    private static IEnumerable<Type?> BodyReferences(Type type, MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var il = body.GetILAsByteArray() ?? [];
        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var first = il[position++];
            var code = first == 0xfe ? TwoByte[il[position++]] : OneByte[first];
            switch (code.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, position);
                    position += 4;
                    foreach (var used in Resolve(method.Module, token, typeArguments, methodArguments))
                    {
                        yield return used;
                    }

                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }

    private static IEnumerable<Type?> Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        MemberInfo? member;
        try
        {
            member = module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            yield break; // a token of another module's generic context: nothing of ours
        }

        switch (member)
        {
            case Type used:
                yield return used;
                break;
            case MethodInfo called:
                yield return called.DeclaringType;
                yield return called.ReturnType;
                foreach (var argument in called.IsGenericMethod ? called.GetGenericArguments() : [])
                {
                    yield return argument;
                }

                break;
            case FieldInfo field:
                yield return field.DeclaringType;
                yield return field.FieldType;
                break;
            case not null:
                yield return member.DeclaringType;
                break;
        }
    }

    private static void Collect(HashSet<(Type, Type)> pairs, Assembly assembly, Type from, Type? used)
    {
        if (used is null || used.IsGenericParameter)
        {
            return;
        }

        if (used.HasElementType)
        {
            Collect(pairs, assembly, from, used.GetElementType());
            return;
        }

        if (used.IsGenericType && !used.IsGenericTypeDefinition)
        {
            foreach (var argument in used.GetGenericArguments())
            {
                Collect(pairs, assembly, from, argument);
            }

            used = used.GetGenericTypeDefinition();
        }

        if (used.Assembly == assembly)
        {
            pairs.Add((from, Outermost(used)));
        }
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }
}
