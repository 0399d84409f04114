using Xunit;

namespace ActorNet.Protocol.Tests;

public class BureauCodeTests
{
    [Theory]
    [InlineData("FR")]
    [InlineData("gs")]
    [InlineData(" us ")]
    [InlineData("XK")]
    public void Accepts_GS_and_assigned_country_codes(string text)
    {
        Assert.True(BureauCode.TryParse(text, out var code));
        Assert.Equal(text.Trim().ToUpperInvariant(), code!.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("FRA")]
    [InlineData("ZZ")]
    [InlineData("F1")]
    [InlineData(null)]
    public void Refuses_anything_else(string? text)
    {
        Assert.False(BureauCode.TryParse(text, out _));
        Assert.Throws<ArgumentException>(() => new BureauCode(text!));
    }

    [Fact]
    public void Of_reads_as_the_constructor_does_and_shares_one_instance_per_canonical_code()
    {
        Assert.Same(BureauCode.Of("FR"), BureauCode.Of("FR"));
        Assert.Equal(new BureauCode("FR"), BureauCode.Of("FR"));
        Assert.Equal(new BureauCode("FR"), BureauCode.Of(" fr "));
        Assert.Equal("ZZ", Assert.Throws<ArgumentException>(() => BureauCode.Of("ZZ")).Message.Split('\'')[1]);
    }

    [Fact]
    public void Role_names_the_bureau_and_reads_back()
    {
        var fr = new BureauCode("FR");
        Assert.Equal("bureau-FR", fr.Role);
        Assert.Equal(fr, BureauCode.FromRole("bureau-FR"));
        Assert.Null(BureauCode.FromRole("ncb"));
    }
}
